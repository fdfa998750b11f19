import type { ReactNode } from 'react';
import '@web/styles/globals.css';
import { Providers } from './providers';

export const metadata = {
  title: { default: 'Cumulo', template: '%s · Cumulo' },
  description: 'Cumulo cloud dashboard',
  icons: { icon: '/favicon.svg' },
};

export const viewport = { colorScheme: 'light dark' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
