import { AllInstancesPage } from '@web/features/admin/all-instances-page';

export const metadata = { title: 'All instances' };

export default function Page() {
  return <AllInstancesPage />;
}
