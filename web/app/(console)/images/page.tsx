import { ImagesPage } from '@web/features/images/images-page';

export const metadata = { title: 'Images' };

export default function Page() {
  return <ImagesPage />;
}
