import { ProjectsPage } from '@web/features/identity/projects/projects-page';

export const metadata = { title: 'Projects' };

export default function Page() {
  return <ProjectsPage />;
}
