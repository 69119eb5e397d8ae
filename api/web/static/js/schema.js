/* The targets form, derived from the JSON schema the service publishes in /openapi.json: one
 * input per property of `ChannelTargetFields`, with its label, bounds, step and description
 * from the schema, so the page never keeps its own list of target fields. */

export const TARGET_SCHEMA = "ChannelTargetFields";

/** The number branch of an optional property (`anyOf: [{type: number, ...}, {type: null}]`). */
function numberBranch(property) {
  const options = property.anyOf || property.oneOf || [property];
  return options.find((option) => option.type === "number" || option.type === "integer") || null;
}

/** A share (0.8) is typed as a percentage (80): a number whose upper bound is 1, or, for a
 * schema without bounds, one whose description calls it a share. */
function isShare(branch, description) {
  const upper = branch.maximum ?? branch.exclusiveMaximum;
  if (upper !== undefined) return upper <= 1;
  return /\bshare\b/i.test(description);
}

function scaled(value, factor) {
  return value === undefined ? undefined : +(value * factor).toFixed(6);
}

/** The number fields of the targets form, in the schema's order.
 *
 * @param {object} openapi the service's OpenAPI document
 * @returns {{name: string, label: string, description: string, share: boolean, integer: boolean,
 *   min?: number, max?: number, exclusiveMin?: number, exclusiveMax?: number, step: string,
 *   placeholder: string}[]}
 * @throws {Error} when the document has no target schema
 */
export function targetFields(openapi) {
  const schema = openapi?.components?.schemas?.[TARGET_SCHEMA];
  if (!schema?.properties) throw new Error(`the service's OpenAPI document has no ${TARGET_SCHEMA} schema`);
  const fields = [];
  for (const [name, property] of Object.entries(schema.properties)) {
    const branch = numberBranch(property);
    if (!branch) continue; // the business hours table has its own editor
    const description = property.description || branch.description || "";
    const share = isShare(branch, description);
    const factor = share ? 100 : 1;
    const integer = branch.type === "integer";
    const example = description.match(/e\.g\.\s*(-?[\d.]+)/);
    const title = property.title || branch.title || name.replaceAll("_", " ");
    fields.push({
      name,
      label: share ? `${title} (%)` : title,
      description,
      share,
      integer,
      min: scaled(branch.minimum, factor),
      max: scaled(branch.maximum, factor),
      exclusiveMin: scaled(branch.exclusiveMinimum, factor),
      exclusiveMax: scaled(branch.exclusiveMaximum, factor),
      step: branch.multipleOf ? String(scaled(branch.multipleOf, factor)) : integer ? "1" : "any",
      placeholder: example ? `e.g. ${scaled(Number(example[1].replace(/\.$/, "")), factor)}` : "",
    });
  }
  return fields;
}

/** A typed value checked against its field: the value to send (a share as 0.8) or the
 * message for the manager, in the form's units. */
export function targetValue(field, text) {
  const trimmed = String(text ?? "").trim();
  if (!trimmed) return { value: null };
  const value = Number(trimmed);
  const unit = field.share ? "%" : "";
  if (!Number.isFinite(value)) return { error: `"${trimmed}" is not a number.` };
  if (field.share && (value < 0 || value > 100)) return { error: "Enter a percentage between 0 and 100." };
  if (field.integer && !Number.isInteger(value)) return { error: `Enter a whole number; "${trimmed}" is not.` };
  if (field.min !== undefined && value < field.min) return { error: `Enter at least ${field.min}${unit}.` };
  if (field.exclusiveMin !== undefined && value <= field.exclusiveMin) {
    return { error: `Enter more than ${field.exclusiveMin}${unit}.` };
  }
  if (field.max !== undefined && value > field.max) return { error: `Enter at most ${field.max}${unit}.` };
  if (field.exclusiveMax !== undefined && value >= field.exclusiveMax) {
    return { error: `Enter less than ${field.exclusiveMax}${unit}.` };
  }
  return { value: field.share ? +(value / 100).toFixed(8) : value };
}

/** A stored value as the form shows it (a share as a percentage). */
export function shownValue(field, value) {
  if (value === null || value === undefined) return "";
  return field.share ? String(+(value * 100).toFixed(4)) : String(value);
}
