/**
 * Values Pulumi does not know yet: during a preview, an input that depends on another resource's
 * output arrives at the provider as this marker.
 */

/** The marker Pulumi passes for a value not known until apply. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Whether a value (at any depth) is not known yet, as in a preview whose inputs depend on other resources. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}
