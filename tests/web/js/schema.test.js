import assert from "node:assert/strict";
import { test } from "node:test";

import { shownValue, targetFields, targetValue } from "../../../api/web/static/js/schema.js";

/* The shape pydantic publishes for optional fields: constraints in the number branch. */
const OPENAPI = {
  components: {
    schemas: {
      ChannelTargetFields: {
        properties: {
          service_level: {
            anyOf: [{ type: "number", minimum: 0, maximum: 1, exclusiveMinimum: undefined }, { type: "null" }],
            title: "Service level",
            description: "Share answered within `answer_seconds`, e.g. 0.8.",
          },
          answer_seconds: {
            anyOf: [{ type: "number", exclusiveMinimum: 0, maximum: 3600 }, { type: "null" }],
            title: "Answered within (s)",
            description: "Service-level threshold in seconds, e.g. 20.",
          },
          concurrency: {
            anyOf: [{ type: "integer", minimum: 1, maximum: 20 }, { type: "null" }],
            title: "Contacts at once",
            description: "Contacts an agent handles at once (chat); default 1.",
          },
          shrinkage: {
            anyOf: [{ type: "number" }, { type: "null" }],
            title: "Shrinkage",
            description: "Share of paid time off the floor, e.g. 0.3 (default 0).",
          },
          hours: {
            anyOf: [{ type: "object", additionalProperties: { type: "string" } }, { type: "null" }],
            title: "Hours",
          },
        },
      },
    },
  },
};

test("the targets form has one number field per number property of the schema, in its order", () => {
  const fields = targetFields(OPENAPI);
  assert.deepEqual(
    fields.map((field) => field.name),
    ["service_level", "answer_seconds", "concurrency", "shrinkage"],
  );
});

test("labels, bounds, steps and hints come from the schema, shares in percent", () => {
  const [serviceLevel, answer, concurrency, shrinkage] = targetFields(OPENAPI);
  assert.equal(serviceLevel.label, "Service level (%)");
  assert.equal(serviceLevel.share, true);
  assert.equal(serviceLevel.min, 0);
  assert.equal(serviceLevel.max, 100);
  assert.equal(serviceLevel.placeholder, "e.g. 80");
  assert.equal(answer.share, false);
  assert.equal(answer.exclusiveMin, 0);
  assert.equal(answer.max, 3600);
  assert.equal(answer.placeholder, "e.g. 20");
  assert.equal(concurrency.step, "1");
  assert.equal(concurrency.integer, true);
  assert.equal(shrinkage.share, true, "a schema without bounds: the description says share");
  assert.equal(shrinkage.placeholder, "e.g. 30");
});

test("a document without the target schema is an error that names it", () => {
  assert.throws(() => targetFields({ components: { schemas: {} } }), /no ChannelTargetFields schema/);
});

test("typed values are checked against the schema's bounds, in the form's units", () => {
  const [serviceLevel, answer, concurrency] = targetFields(OPENAPI);
  assert.deepEqual(targetValue(serviceLevel, "80"), { value: 0.8 });
  assert.deepEqual(targetValue(serviceLevel, ""), { value: null });
  assert.match(targetValue(serviceLevel, "150").error, /between 0 and 100/);
  assert.match(targetValue({ ...serviceLevel, max: undefined, exclusiveMax: 100 }, "100").error, /less than 100%/);
  assert.match(targetValue(answer, "0").error, /more than 0/);
  assert.match(targetValue(answer, "4000").error, /at most 3600/);
  assert.match(targetValue(concurrency, "1.5").error, /whole number/);
  assert.match(targetValue(answer, "soon").error, /"soon" is not a number/);
});

test("a stored share is shown as the percentage typed", () => {
  const [serviceLevel, answer] = targetFields(OPENAPI);
  assert.equal(shownValue(serviceLevel, 0.8), "80");
  assert.equal(shownValue(answer, 20), "20");
  assert.equal(shownValue(answer, null), "");
});
