// The public base URL of stable links, canonical links and citations. It comes from configuration
// only (`baseUrl` / GOVNAV_BASE_URL), never from the request: a request with a forged Host header
// must not change the links of a page that is then cached and served to everyone.
export interface PublicUrlConfig {
  baseUrl?: string;
  host: string;
  port: number;
}

/** `baseUrl` without a trailing slash; without one, the address the server listens on (loopback for a wildcard). */
export function publicBaseUrl(config: PublicUrlConfig): string {
  if (config.baseUrl) return config.baseUrl.replace(/\/+$/, '');
  const wildcard = config.host === '0.0.0.0' || config.host === '::' || config.host === '';
  const host = wildcard ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${config.port}`;
}
