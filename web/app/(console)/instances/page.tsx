import { InstancesPage } from '@web/features/compute/instances-page';

export const metadata = { title: 'Instances' };

export default function Page() {
  return <InstancesPage />;
}
