import { RoleAssignmentsPage } from '@web/features/identity/role-assignments/role-assignments-page';

export const metadata = { title: 'Role assignments' };

export default function Page() {
  return <RoleAssignmentsPage />;
}
