import { Child, h, Html, renderDocument } from '../html/jsx';
import { NAV, ROLE_NAMES } from './nav';
import { PageContext } from './page-context';
import { PostForm } from './ui';

export interface LayoutProps {
  context: PageContext;
  title: string;
  /** Under the title: where this page sits (an account's name…). */
  lead?: Child;
  children?: Child;
}

/** Every console page: skip link, header with the role's navigation and sign-out, one h1, main. */
export function Layout({ context, title, lead, children }: LayoutProps): Html {
  const session = context.session;
  const items = session ? NAV[session.principal.role] : [];
  return (
    <html lang={context.formats.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title} · Aid Escrow Ledger</title>
        <link rel="stylesheet" href="/console/assets/console.css" />
        <link rel="icon" href="/dashboard/assets/favicon.svg" type="image/svg+xml" />
        <script src="/console/assets/console.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">Skip to the content</a>
        <header class="top">
          <a class="brand" href="/console">Aid Escrow Ledger</a>
          {session && (
            <nav aria-label="Console">
              <ul>
                {items.map((item) => (
                  <li>
                    <a href={item.href} aria-current={context.path === item.href ? 'page' : undefined}>{item.label}</a>
                  </li>
                ))}
              </ul>
            </nav>
          )}
          {session && (
            <div class="who">
              <span>
                {session.principal.name} · {ROLE_NAMES[session.principal.role]}
              </span>
              <PostForm context={context} action="/console/logout" class="inline">
                <button type="submit" class="link">Sign out</button>
              </PostForm>
            </div>
          )}
        </header>
        <main id="main" tabindex="-1">
          <h1>{title}</h1>
          {lead && <p class="lead">{lead}</p>}
          {children}
        </main>
        <footer class="bottom">
          <p>Times are in UTC. Amounts are exact; nothing here is rounded.</p>
        </footer>
      </body>
    </html>
  );
}

export function page(props: LayoutProps): string {
  return renderDocument(Layout(props));
}
