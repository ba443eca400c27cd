import { h, Html } from '../html/jsx';
import { PageContext } from '../views/page-context';
import { BACK_FIELD, CSRF_FIELD, Notice } from '../views/ui';

/** Files a decision cites, by SHA-256 (the bytes: GET /v1/evidence/:sha256 with a key). */
export function EvidenceList(props: { files: string[] }): Html {
  if (props.files.length === 0) return <span class="muted">—</span>;
  return (
    <ul class="evidence" data-evidence-list>
      {props.files.map((sha256) => (
        <li data-sha256={sha256}>
          <code class="hash">{sha256}</code>
        </li>
      ))}
    </ul>
  );
}

/**
 * The upload form shown above a decision's form (forms cannot nest): a plain multipart post to
 * /console/evidence that comes back to this page with the file's hash in `?evidence=`, which
 * the decision's form then sends in its `evidenceFiles` field. console.js turns it into an
 * upload with a progress bar that stays on the page (what was typed in the decision is kept).
 */
export function EvidenceUpload(props: { context: PageContext; files: string[]; /** Query parameters the page comes back with (its own, e.g. ?report=). */ keep?: Record<string, string> }): Html {
  const { context } = props;
  return (
    <form method="post" action="/console/evidence" enctype="multipart/form-data" class="upload" aria-label="Attach an evidence file" data-evidence-upload>
      <input type="hidden" name={CSRF_FIELD} value={context.csrfToken} />
      <input type="hidden" name={BACK_FIELD} value={context.path} />
      <input type="hidden" name="evidence" value={props.files.join(',')} />
      {Object.entries(props.keep ?? {}).map(([name, value]) => (
        <input type="hidden" name={`keep.${name}`} value={value} />
      ))}
      <div class="field">
        <label for="evidence-file">Evidence file</label>
        <input id="evidence-file" type="file" name="file" required accept=".pdf,.png,.jpg,.jpeg,.webp,.txt,.csv" aria-describedby="evidence-file-hint" />
        <p class="hint" id="evidence-file-hint">
          PDF, PNG, JPEG, WebP, plain text or CSV. Stored once by its SHA-256 and cited by your decision below.
        </p>
      </div>
      <button type="submit" class="secondary">Upload the file</button>
      <div data-upload-progress hidden>
        <label for="evidence-progress">Uploading</label>
        <progress id="evidence-progress" max="100" value="0"></progress>
        <span data-upload-status role="status"></span>
      </div>
      <p>Attached to this decision:</p>
      <div data-evidence-attached>
        <EvidenceList files={props.files} />
      </div>
    </form>
  );
}

/** The message for a monitor with a registered signing key: the console cannot sign for them. */
export function MustSign(props: { what: string }): Html {
  return (
    <Notice kind="warn" title={`Your ${props.what} must be signed`}>
      <p>
        You registered a signing key, so each of your {props.what}s is a statement signed with it. The console never holds your private key and cannot sign
        for you: send this one with the command line (<code>npm run -s cli -- statement:sign</code>) or the API (API.md, "Signed statements").
      </p>
    </Notice>
  );
}
