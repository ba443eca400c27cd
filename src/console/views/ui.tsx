import { Child, h, Html } from '../html/jsx';
import { PageContext } from './page-context';

/** The field every state-changing form sends back; checked before anything runs. */
export const CSRF_FIELD = '_csrf';
/** The page a form was sent from: its answer (or refusal) leads back there. */
export const BACK_FIELD = '_back';

/** A POST form with the CSRF token. Plain HTML: it works without any script. */
export function PostForm(props: { context: PageContext; action: string; class?: string; label?: string; children?: Child }): Html {
  return (
    <form method="post" action={props.action} class={props.class} aria-label={props.label}>
      <input type="hidden" name={CSRF_FIELD} value={props.context.csrfToken} />
      <input type="hidden" name={BACK_FIELD} value={props.context.path} />
      {props.children}
    </form>
  );
}

let fieldCounter = 0;

/** A labelled input; `hint` is tied to it with aria-describedby. */
export function Field(props: {
  label: string;
  name: string;
  type?: string;
  value?: string;
  required?: boolean;
  hint?: string;
  autocomplete?: string;
  inputmode?: string;
  pattern?: string;
  min?: string;
  max?: string;
  maxlength?: string;
}): Html {
  const id = `f-${props.name}-${++fieldCounter}`;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value}
        required={props.required}
        autocomplete={props.autocomplete}
        inputmode={props.inputmode}
        pattern={props.pattern}
        min={props.min}
        max={props.max}
        maxlength={props.maxlength}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
      />
      {props.hint && <p class="hint" id={`${id}-hint`}>{props.hint}</p>}
    </div>
  );
}

export function TextArea(props: { label: string; name: string; required?: boolean; hint?: string; rows?: number }): Html {
  const id = `f-${props.name}-${++fieldCounter}`;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <textarea id={id} name={props.name} rows={props.rows ?? 3} required={props.required} aria-describedby={props.hint ? `${id}-hint` : undefined}></textarea>
      {props.hint && <p class="hint" id={`${id}-hint`}>{props.hint}</p>}
    </div>
  );
}

export function Select(props: { label: string; name: string; options: { value: string; label: string }[]; required?: boolean; hint?: string }): Html {
  const id = `f-${props.name}-${++fieldCounter}`;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select id={id} name={props.name} required={props.required} aria-describedby={props.hint ? `${id}-hint` : undefined}>
        {props.options.map((o) => (
          <option value={o.value}>{o.label}</option>
        ))}
      </select>
      {props.hint && <p class="hint" id={`${id}-hint`}>{props.hint}</p>}
    </div>
  );
}

/** Radio buttons in a fieldset with a legend. */
export function Choice(props: { legend: string; name: string; options: { value: string; label: string }[]; required?: boolean }): Html {
  return (
    <fieldset class="choice">
      <legend>{props.legend}</legend>
      {props.options.map((o) => {
        const id = `f-${props.name}-${++fieldCounter}`;
        return (
          <div class="option">
            <input type="radio" id={id} name={props.name} value={o.value} required={props.required} />
            <label for={id}>{o.label}</label>
          </div>
        );
      })}
    </fieldset>
  );
}

/** An exact amount: the decimal string formatted for the reader, the string itself kept for machines. */
export function Money(props: { context: PageContext; amount: string; currency: string; figure?: string }): Html {
  return (
    <data class="money" value={props.amount} data-figure={props.figure}>
      {props.context.formats.money(props.amount, props.currency)}
    </data>
  );
}

export function Time(props: { context: PageContext; at: string | Date | null | undefined }): Html {
  if (!props.at) return <span class="muted">—</span>;
  const iso = typeof props.at === 'string' ? props.at : props.at.toISOString();
  return <time datetime={iso}>{props.context.formats.time(iso)}</time>;
}

const STATUS_WORDS: Record<string, string> = {
  active: 'Active',
  suspended: 'Suspended',
  closed: 'Closed',
  allocated: 'Allocated',
  release_pending: 'Release pending',
  released: 'Released',
  cancelled: 'Cancelled',
  expired: 'Expired',
  pending: 'Pending',
  met: 'Met',
  blocked: 'Blocked',
  approved: 'Approved',
  rejected: 'Rejected',
  pending_approval: 'Awaiting approval',
  revoked: 'Revoked',
  approve: 'Approve',
  reject: 'Reject',
  received: 'Received',
  under_review: 'Under review',
  case_opened: 'Case opened',
  alleged: 'Alleged',
  verified: 'Verified',
  dismissed: 'Dismissed',
  resolved: 'Resolved (lifted)',
  verify: 'Verify',
  dismiss: 'Dismiss',
  lift: 'Lift',
  scheduled: 'Scheduled',
  completed: 'Completed',
  satisfactory: 'Satisfactory',
  concerns: 'Concerns',
  violation: 'Violation',
};

/** A status in words, with its value kept in data-status for styles and tests. */
export function Status(props: { value: string }): Html {
  return (
    <span class={`status status-${props.value}`} data-status={props.value}>
      {words(props.value)}
    </span>
  );
}

export function words(value: string): string {
  return STATUS_WORDS[value] ?? value.replace(/_/g, ' ');
}

export function Notice(props: { kind?: 'info' | 'warn' | 'ok' | 'error'; title?: string; children?: Child }): Html {
  const kind = props.kind ?? 'info';
  return (
    <div class={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {props.title && <p class="notice-title">{props.title}</p>}
      {props.children}
    </div>
  );
}

/** A table that becomes a list of cards on a phone (each cell labelled by its column). */
export function Table(props: { caption: string; head: string[]; rows: Child[][]; empty?: string; class?: string; rowAttributes?: Record<string, string>[] }): Html {
  if (props.rows.length === 0) return <p class="empty">{props.empty ?? 'Nothing yet.'}</p>;
  return (
    <div class="table-wrap">
      <table class={`cards ${props.class ?? ''}`}>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            {props.head.map((cell) => (
              <th scope="col">{cell}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row, i) => (
            <tr {...(props.rowAttributes?.[i] ?? {})}>
              {row.map((cell, j) => (
                <td data-label={props.head[j]}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A name–value list (figures of an account, a transaction's fields). */
export function Facts(props: { items: [string, Child][]; class?: string }): Html {
  return (
    <dl class={`facts ${props.class ?? ''}`}>
      {props.items.map(([name, value]) => (
        <div>
          <dt>{name}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Section(props: { title: string; id?: string; children?: Child }): Html {
  const id = props.id ?? `s-${props.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{props.title}</h2>
      {props.children}
    </section>
  );
}

/** A short id people can compare at a glance, with the whole id in the title. */
export function ShortId(props: { id: string }): Html {
  return (
    <code class="id" title={props.id}>
      {props.id.slice(0, 8)}
    </code>
  );
}
