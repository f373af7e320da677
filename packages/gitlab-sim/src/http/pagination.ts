// GitLab's offset pagination: page/per_page (default 20, capped at 100) with
// X-* headers and an RFC 8288 Link header built from the request URL.
import type { RouteContext } from '../router.js';
import { json, type SimResponse } from './response.js';

export function paginate<T>(ctx: RouteContext, items: T[], present: (item: T) => unknown): SimResponse {
  const perPageRaw = Number(ctx.query.get('per_page') ?? 20);
  const perPage = Number.isInteger(perPageRaw) && perPageRaw > 0 ? Math.min(perPageRaw, 100) : 20;
  const pageRaw = Number(ctx.query.get('page') ?? 1);
  const page = Number.isInteger(pageRaw) && pageRaw > 0 ? pageRaw : 1;
  const total = items.length;
  const totalPages = Math.max(1, Math.ceil(total / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);

  const link = (p: number): string => {
    const q = new URLSearchParams(ctx.query);
    q.set('page', String(p));
    q.set('per_page', String(perPage));
    return `${ctx.baseUrl}/api/v4${ctx.rawPath}?${q.toString()}`;
  };
  const links: string[] = [];
  if (page > 1) links.push(`<${link(page - 1)}>; rel="prev"`);
  if (page < totalPages) links.push(`<${link(page + 1)}>; rel="next"`);
  links.push(`<${link(1)}>; rel="first"`);
  links.push(`<${link(totalPages)}>; rel="last"`);

  return json(200, slice.map(present), {
    'X-Total': String(total),
    'X-Total-Pages': String(totalPages),
    'X-Page': String(page),
    'X-Per-Page': String(perPage),
    'X-Next-Page': page < totalPages ? String(page + 1) : '',
    'X-Prev-Page': page > 1 ? String(page - 1) : '',
    Link: links.join(', '),
  });
}
