import { ComputeServicesPage } from '@web/features/admin/compute-services-page';

export const metadata = { title: 'Compute services' };

export default function Page() {
  return <ComputeServicesPage />;
}
