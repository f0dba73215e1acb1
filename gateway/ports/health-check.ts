/** A cheap liveness probe of one backing service (GET /healthz). */
export interface HealthCheck {
  /** Name used as the key in the /healthz body, e.g. "imap". */
  readonly name: string;
  check(signal?: AbortSignal): Promise<HealthStatus>;
}

export type HealthStatus = { readonly ok: true } | { readonly ok: false; readonly detail: string };
