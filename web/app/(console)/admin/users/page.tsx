import { UsersPage } from '@web/features/identity/users/users-page';

export const metadata = { title: 'Users' };

export default function Page() {
  return <UsersPage />;
}
