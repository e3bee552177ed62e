/**
 * The web console's security headers, one description for both runtimes: the local server sends
 * them with every console file, and the web stack's CloudFront response-headers policy sends the
 * same (with HSTS, which only means something over HTTPS).
 */

/**
 * The Content-Security-Policy: nothing inline, nothing from elsewhere but `connectSources` and the
 * attachment store (`attachmentSources`: photos are uploaded to it and shown from it through
 * presigned URLs), never framed.
 */
export const consoleContentSecurityPolicy = (
  connectSources: readonly string[] = [],
  attachmentSources: readonly string[] = [],
): string =>
  [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src ${["'self'", ...attachmentSources].join(' ')}`,
    "font-src 'self'",
    `connect-src ${["'self'", ...connectSources, ...attachmentSources].join(' ')}`,
    "manifest-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');

export const PERMISSIONS_POLICY = 'camera=(), microphone=(), geolocation=(self)';

/** The headers every console file is served with. */
export const consoleSecurityHeaders = (
  connectSources: readonly string[] = [],
  attachmentSources: readonly string[] = [],
): Record<string, string> => ({
  'content-security-policy': consoleContentSecurityPolicy(connectSources, attachmentSources),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'permissions-policy': PERMISSIONS_POLICY,
  'cross-origin-opener-policy': 'same-origin',
});
