import Link from 'next/link';

/** What a page says to someone whose role does not allow it (the server refuses them as well). */
export function NotAuthorized({ what = 'This page' }: { what?: string }) {
  return (
    <section className="card" aria-labelledby="not-authorized">
      <h1 id="not-authorized">Not authorized</h1>
      <p className="muted">
        {what} is for cloud administrators. If you hold the admin role on another project, switch to it with the project
        selector above.
      </p>
      <Link href="/">Back to the overview</Link>
    </section>
  );
}
