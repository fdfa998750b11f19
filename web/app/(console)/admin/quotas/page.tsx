import { QuotasPage } from '@web/features/admin/quotas-page';

export const metadata = { title: 'Quotas' };

export default function Page() {
  return <QuotasPage />;
}
