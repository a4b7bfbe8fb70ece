import { z } from 'zod';

/**
 * Kubernetes object names taken from events, checked before they reach a URL path: a name that
 * is not what the API server would accept (`..`, `a/b`, `%2e`, upper case, over-long) never becomes
 * part of `/namespaces/<ns>/…/<name>`. RFC 1123 as Kubernetes applies it (apimachinery validation).
 */

/** A DNS-1123 label: namespaces, and the names that must be labels (≤ 63, a-z 0-9 '-', alphanumeric ends). */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** A DNS-1123 subdomain: most object names (≤ 253, dot-separated labels; never `.` or `..`). */
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `value` is not a valid `kind` ('label' or 'subdomain'), or undefined when it is. */
export function kubernetesNameProblem(value: string, kind: 'label' | 'subdomain'): string | undefined {
  if (kind === 'label') {
    return DNS1123_LABEL.test(value)
      ? undefined
      : 'must be a DNS-1123 label: at most 63 characters of a-z, 0-9 and "-", starting and ending with a letter or digit';
  }
  if (value.length > 253 || !DNS1123_SUBDOMAIN.test(value)) {
    return 'must be a DNS-1123 subdomain: at most 253 characters of a-z, 0-9, "-" and ".", each dot-separated part starting and ending with a letter or digit';
  }
  return undefined;
}

/** A zod string that must be a Kubernetes name of `kind`, with the reason in the issue. */
export function kubernetesName(kind: 'label' | 'subdomain') {
  return z.string().superRefine((value, ctx) => {
    const problem = kubernetesNameProblem(value, kind);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}
