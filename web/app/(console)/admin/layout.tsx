import type { ReactNode } from 'react';
import { AdminGate } from '@web/features/identity/admin-gate';

export default function AdminLayout({ children }: { children: ReactNode }) {
  return <AdminGate>{children}</AdminGate>;
}
