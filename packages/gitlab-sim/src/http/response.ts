// Handlers return a SimResponse instead of writing to the socket, so the server
// can apply an `after` fault to a response whose side effect already happened.

export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): SimResponse {
  return { status, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export function text(status: number, body: string | Buffer, contentType = 'text/plain; charset=utf-8'): SimResponse {
  return { status, headers: { 'Content-Type': contentType }, body };
}

export function noContent(): SimResponse {
  return { status: 204, headers: {}, body: '' };
}

/** Thrown by handlers to answer early with a GitLab error. */
export class HttpError extends Error {
  constructor(readonly response: SimResponse) {
    super(`HTTP ${response.status}`);
  }
}

// GitLab's error bodies. Three shapes exist: {"message": "..."} from
// render_api_error!, {"message": {field: [...]}} from model validation, and
// {"error": "..."} from Grape's parameter validation and routing.
export const gitlabError = {
  unauthorized: () => new HttpError(json(401, { message: '401 Unauthorized' })),
  forbidden: () => new HttpError(json(403, { message: '403 Forbidden' })),
  notFound: (what?: string) => new HttpError(json(404, { message: what ? `404 ${what} Not Found` : '404 Not found' })),
  routeNotFound: () => new HttpError(json(404, { error: '404 Not Found' })),
  badRequest: (message: string | Record<string, string[]>) => new HttpError(json(400, { message })),
  /** Grape parameter errors, joined like Grape does: "name is missing, scopes is missing". */
  invalidParams: (errors: string[]) => new HttpError(json(400, { error: errors.join(', ') })),
  methodNotAllowed: () => new HttpError(json(405, { message: '405 Method Not Allowed' })),
};
