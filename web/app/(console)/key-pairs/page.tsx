import { KeyPairsPage } from '@web/features/compute/key-pairs-page';

export const metadata = { title: 'Key pairs' };

export default function Page() {
  return <KeyPairsPage />;
}
