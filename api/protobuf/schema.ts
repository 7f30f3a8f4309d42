/**
 * The shape of kubemu's protobuf field tables (messages/*.ts): for each message of the Kubernetes API
 * (k8s.io/api and apimachinery `generated.proto`), which field number is which JSON field, its type, and
 * how Go's encoding/json would show it.
 *
 * Messages are named `<group>.<Message>` (`core.Container`, `meta.ObjectMeta`, `apps.DeploymentSpec`).
 */

/** Scalars as they appear on the wire: varint (`bool`, `int32`, `int64`) or length-delimited (`string`, `bytes`). */
export type ScalarType = 'string' | 'bytes' | 'bool' | 'int32' | 'int64';

/**
 * apimachinery messages whose JSON form is not an object:
 * - `Time` {seconds, nanos} → RFC 3339 seconds (`null` when empty), `MicroTime` → RFC 3339 with microseconds;
 * - `Quantity` {string} → its string; `IntOrString` {type, intVal, strVal} → a number or a string;
 * - `RawJSON` (FieldsV1, RawExtension) {raw} → the embedded JSON document.
 */
export type SpecialType = 'Time' | 'MicroTime' | 'Quantity' | 'IntOrString' | 'RawJSON';

/** A scalar, a special, or the name of another message of the table. */
export type FieldType = ScalarType | SpecialType | (string & {});

/**
 * How a field is laid out and shown in JSON (Go's `json` tag and field type):
 * - none: a singular field; a scalar's zero value is left out (`omitempty`), a message is shown whenever sent;
 * - `keep`: a non-pointer scalar without `omitempty`: shown even when zero (and as zero when not sent);
 * - `ptr`: a pointer scalar (`*int32`, `*bool`, `*string`): shown whenever sent, zero included;
 * - `list`: a repeated field (packed or not), left out when empty;
 * - `map`: a `map<string, T>` (entries {1: key, 2: value}), left out when empty;
 * - `inline`: an embedded struct (`json:",inline"`) whose fields are shown in the parent object.
 */
export type FieldMode = 'keep' | 'ptr' | 'list' | 'map' | 'inline';

/** `[jsonName, type, mode?]` */
export type FieldSpec = readonly [json: string, type: FieldType, mode?: FieldMode];

export type MessageSpec = Readonly<Record<number, FieldSpec>>;

export type MessageTable = Readonly<Record<string, MessageSpec>>;

export const SCALAR_TYPES: ReadonlySet<string> = new Set<ScalarType>(['string', 'bytes', 'bool', 'int32', 'int64']);
export const SPECIAL_TYPES: ReadonlySet<string> = new Set<SpecialType>(['Time', 'MicroTime', 'Quantity', 'IntOrString', 'RawJSON']);
