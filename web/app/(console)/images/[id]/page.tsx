import { ImageDetailPage } from '@web/features/images/image-detail-page';

export const metadata = { title: 'Image' };

export default function Page() {
  return <ImageDetailPage />;
}
