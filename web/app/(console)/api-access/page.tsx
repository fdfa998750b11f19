import { ApiAccessPage } from '@web/features/account/api-access-page';

export const metadata = { title: 'API access' };

export default function Page() {
  return <ApiAccessPage />;
}
