#!/usr/bin/env node
'use strict';
/**
 * Runs the real infra/google_forms/Code.gs onFormSubmit for one described response and prints the
 * HTTP request it would send, so a Python test can replay it into the real backend.
 *
 * stdin: one JSON object
 *   {"form_id_property": str|null,   // Script Property FORM_ID (null: not set)
 *    "form_id": str,                 // the Google Form's own id (FormApp.getActiveForm().getId())
 *    "response_id": str, "timestamp": ISO-8601 str, "respondent_email": str|null,
 *    "items": [{"title": str, "type": "TEXT"|"PARAGRAPH_TEXT"|"MULTIPLE_CHOICE"|"CHECKBOX"|"LIST"|"GRID"|...,
 *               "response": str | [str] | [[str]],
 *               "rows": [str]            // optional, GRID/CHECKBOX_GRID row labels (default "Row 1", ...)
 *              }]}
 * env: INTAKE_SECRET (required), INTAKE_URL (default http://127.0.0.1:8080/intake_google_form)
 * stdout: {"url": str, "headers": {"Content-Type": ..., "X-Signature": ...}, "body": "<exact raw body>"}
 * Exit status 2 on bad input or environment, 1 if Code.gs failed or sent nothing.
 *
 * The signature's t is the real current time, so replay the request promptly (within 300 s).
 */

const { ItemType, createHarness } = require('./harness');

const DEFAULT_URL = 'http://127.0.0.1:8080/intake_google_form';

class InputError extends Error {}

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on('data', (c) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

const isString = (v) => typeof v === 'string';
const isStringList = (v) => Array.isArray(v) && v.every(isString);
const isNullableStringList = (v) => Array.isArray(v) && v.every((x) => x === null || isString(x));

function requireString(obj, key, { nullable = false, nonEmpty = false } = {}) {
  const value = obj[key];
  if (nullable && (value === null || value === undefined)) return null;
  if (!isString(value)) throw new InputError(`"${key}" must be a string${nullable ? ' or null' : ''}`);
  if (nonEmpty && value.trim() === '') throw new InputError(`"${key}" must not be empty`);
  return value;
}

function validate(input) {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new InputError('stdin must hold one JSON object');
  }
  const formIdProperty = requireString(input, 'form_id_property', { nullable: true });
  const formId = requireString(input, 'form_id', { nonEmpty: true });
  const responseId = requireString(input, 'response_id', { nonEmpty: true });
  const timestamp = requireString(input, 'timestamp', { nonEmpty: true });
  if (Number.isNaN(new Date(timestamp).getTime())) {
    throw new InputError(`"timestamp" must be an ISO-8601 date-time, got ${JSON.stringify(timestamp)}`);
  }
  const email = requireString(input, 'respondent_email', { nullable: true });
  if (!Array.isArray(input.items)) throw new InputError('"items" must be a list');

  const items = input.items.map((item, i) => {
    const where = `items[${i}]`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new InputError(`${where} must be an object`);
    if (!isString(item.title)) throw new InputError(`${where}.title must be a string`);
    if (!isString(item.type) || !Object.prototype.hasOwnProperty.call(ItemType, item.type)) {
      throw new InputError(`${where}.type must be one of ${Object.keys(ItemType).join(', ')}; got ${JSON.stringify(item.type)}`);
    }
    const r = item.response;
    const ok = item.type === 'CHECKBOX_GRID'
      ? Array.isArray(r) && r.every((row) => row === null || isString(row) || isStringList(row))
      : isString(r) || isNullableStringList(r);
    if (!ok) {
      throw new InputError(`${where}.response must be a string, a list of strings` +
        `${item.type === 'CHECKBOX_GRID' ? ' or a list of lists of strings' : ''}; got ${JSON.stringify(r)}`);
    }
    if (item.rows !== undefined && !isStringList(item.rows)) throw new InputError(`${where}.rows must be a list of strings`);
    return { title: item.title, type: item.type, response: r, rows: item.rows };
  });
  return { formIdProperty, formId, responseId, timestamp, email, items };
}

async function main() {
  const secret = process.env.INTAKE_SECRET;
  if (!secret) throw new InputError('environment variable INTAKE_SECRET is required (the backend\'s intake secret)');
  const url = process.env.INTAKE_URL || DEFAULT_URL;

  const raw = await readStdin();
  let input;
  try {
    input = JSON.parse(raw);
  } catch (err) {
    throw new InputError(`stdin is not valid JSON: ${err.message}`);
  }
  const spec = validate(input);

  const properties = { INTAKE_URL: url, INTAKE_SECRET: secret };
  if (spec.formIdProperty !== null) properties.FORM_ID = spec.formIdProperty;
  const h = createHarness({
    properties,
    formId: spec.formId,
    responses: [{ id: spec.responseId, timestamp: spec.timestamp, email: spec.email, items: spec.items }],
    fetch: () => ({ code: 201, body: '{"status":"created"}' }),
  });

  h.call('onFormSubmit', h.submitEvent(spec.responseId));

  if (h.requests.length !== 1) {
    throw new Error(`Code.gs sent ${h.requests.length} requests, expected exactly 1`);
  }
  const request = h.requests[0];
  if (typeof request.body !== 'string') throw new Error('Code.gs sent a payload that is not a string');
  process.stdout.write(`${JSON.stringify({ url: request.url, headers: request.headers, body: request.body })}\n`);
}

main().catch((err) => {
  process.stderr.write(`capture_request.js: ${err && err.message ? err.message : err}\n`);
  process.exitCode = err instanceof InputError ? 2 : 1;
});
