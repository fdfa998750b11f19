import { FlavorsPage } from '@web/features/admin/flavors-page';

export const metadata = { title: 'Flavors' };

export default function Page() {
  return <FlavorsPage />;
}
