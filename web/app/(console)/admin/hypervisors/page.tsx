import { HypervisorsPage } from '@web/features/admin/hypervisors-page';

export const metadata = { title: 'Hypervisors' };

export default function Page() {
  return <HypervisorsPage />;
}
