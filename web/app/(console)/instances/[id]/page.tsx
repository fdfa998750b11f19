import { InstanceDetailPage } from '@web/features/compute/instance-detail-page';

export const metadata = { title: 'Instance' };

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <InstanceDetailPage id={id} />;
}
