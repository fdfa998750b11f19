import { Suspense } from 'react';
import { LoginForm } from '@web/features/session/login-form';

export const metadata = { title: 'Sign in' };

export default function LoginPage() {
  // the form reads ?next= (useSearchParams), which waits for the browser
  return (
    <Suspense>
      <LoginForm />
    </Suspense>
  );
}
