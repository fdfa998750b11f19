// The dashboard's Next.js config. Next runs on web/ (`next build web`, `next({ dir: 'web' })` in
// server/http/dashboard.ts), whose one-line next.config.js re-exports this file.

/** @type {import('next').NextConfig} */
const config = {
  reactStrictMode: true,
  poweredByHeader: false,
  // web/ imports the server's types (AppRouter) and server/lib: the bundler's root is the repository, not web/
  turbopack: { root: import.meta.dirname },
  typescript: {
    // `npm run typecheck` checks web/ together with the server; checking again here would only slow the build
    ignoreBuildErrors: true,
  },
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          // the console must never be framed by another site (clickjacking of admin actions)
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Content-Security-Policy', value: "frame-ancestors 'none'" },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'same-origin' },
        ],
      },
    ];
  },
};

export default config;
