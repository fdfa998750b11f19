import { ProjectOverview } from '@web/features/session/project-overview';

export const metadata = { title: 'Overview' };

export default function OverviewPage() {
  return <ProjectOverview />;
}
