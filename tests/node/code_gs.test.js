'use strict';
// Tests for infra/google_forms/Code.gs, run in a node:vm stand-in for Apps Script (harness.js).
// Run with: node --test tests/node/

const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const test = require('node:test');

const { CODE_PATH, Charset, createHarness, verifySignature } = require('./harness');

const SECRET = 'test-intake-secret';
const URL = 'https://africa-south1-demo-ecd.cloudfunctions.net/intake_google_form';
const NOW = Date.UTC(2024, 4, 1, 8, 31, 0); // A minute after the sample response was submitted.
const CAPTURE = path.join(__dirname, 'capture_request.js');

const CONSENT = 'I agree that the ECD network may use my details to follow up on this feedback.';

/** A response to the form described in infra/google_forms/README.md, plus a few extra item types. */
function sampleResponse(id = 'resp-1', overrides = {}) {
  return {
    id,
    timestamp: '2024-05-01T08:30:00.000Z',
    email: 'nomvula.zuma@example.org',
    items: [
      { title: 'Centre', type: 'LIST', response: 'Sikhula Sonke – Khayelitsha' },
      { title: 'Type of feedback', type: 'MULTIPLE_CHOICE', response: 'Compliment' },
      { title: 'Topic', type: 'LIST', response: 'Staff conduct' },
      {
        title: 'Your message',
        type: 'PARAGRAPH_TEXT',
        response: 'Ngiyabonga kakhulu! Thandiwe loves Ms Ngcobo-Dlamini ✓ — the café snacks too 😊\nÉnorme merci.',
      },
      { title: 'Is a child at risk, or is this urgent?', type: 'MULTIPLE_CHOICE', response: 'No' },
      { title: 'Your name', type: 'TEXT', response: 'Nomvula Zuma-Mkhize' },
      { title: 'Email address', type: 'TEXT', response: 'nomvula.zuma@example.org' },
      { title: 'Phone number', type: 'TEXT', response: '+27 82 555 0123' },
      { title: 'Consent', type: 'CHECKBOX', response: [CONSENT] },
      { title: 'Which days?', type: 'CHECKBOX', response: ['Monday', 'Wednesday'] },
      {
        title: 'Rate the centre',
        type: 'GRID',
        rows: ['Safety', 'Food', 'Communication'],
        response: ['Good', '', 'Excellent'],
      },
      {
        title: 'When can we call?',
        type: 'CHECKBOX_GRID',
        rows: ['Morning', 'Afternoon', 'Evening'],
        response: [['Mon', 'Wed'], null, []],
      },
      { title: 'Anything else?', type: 'PARAGRAPH_TEXT', response: '' },
      { title: 'Second phone', type: 'TEXT', response: '   ' },
      { title: 'Other topics', type: 'CHECKBOX', response: [] },
      { title: 'Untouched grid', type: 'GRID', rows: ['A', 'B'], response: ['', ''] },
      { title: 'How satisfied?', type: 'SCALE', response: '4' },
    ],
    ...overrides,
  };
}

/** Every answer string and the email: none of these may reach Script Properties or logs. */
function personalStrings(spec) {
  const out = new Set();
  if (spec.email) out.add(spec.email);
  const walk = (v) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'string' && v.trim().length > 2) out.add(v);
  };
  spec.items.forEach((item) => walk(item.response));
  return Array.from(out);
}

function harnessWith(opts = {}) {
  return createHarness({
    properties: { INTAKE_URL: URL, INTAKE_SECRET: SECRET, ...(opts.properties || {}) },
    formId: '1FAIpQLSe-the-real-google-form-id',
    responses: opts.responses || [sampleResponse()],
    now: NOW,
    ...opts.harness,
  });
}

function submit(h, id = 'resp-1') {
  return h.call('onFormSubmit', h.submitEvent(id));
}

function lastRequest(h) {
  assert.ok(h.requests.length > 0, 'expected a request');
  return h.requests[h.requests.length - 1];
}

function assertSigned(request, expectedSeconds) {
  const sig = verifySignature(request.headers['X-Signature'], request.body, SECRET);
  assert.match(request.headers['X-Signature'], /^t=\d+,v1=[0-9a-f]{64}$/);
  assert.ok(sig.valid, `signature does not verify: got ${sig.v1}, expected ${sig.expected}`);
  if (expectedSeconds !== undefined) assert.equal(sig.t, String(expectedSeconds));
  return sig;
}

function assertNoPersonalData(h, spec) {
  const stored = JSON.stringify(h.properties());
  const logged = h.logs.join('\n');
  for (const s of personalStrings(spec)) {
    assert.ok(!stored.includes(s), `Script Properties contain personal data: ${JSON.stringify(s)}`);
    assert.ok(!logged.includes(s), `logs contain personal data: ${JSON.stringify(s)}`);
  }
}

// ---------------------------------------------------------------------------------------------

test('Code.gs is plain Apps Script: top-level functions, no modules', () => {
  const source = fs.readFileSync(CODE_PATH, 'utf8');
  assert.doesNotMatch(source, /\brequire\s*\(|^\s*import\s|^\s*export\s|module\.exports/m);
  const h = harnessWith();
  for (const name of ['onFormSubmit', 'retryFailedDeliveries', 'installTriggers', 'resendAllResponses']) {
    assert.equal(typeof h.context[name], 'function', `${name} must be a top-level function`);
    assert.match(source, new RegExp(`^function ${name}\\(`, 'm'));
  }
});

test('the stand-ins behave like Apps Script where it matters', () => {
  const h = harnessWith();
  const bytes = h.context.Utilities.computeHmacSha256Signature('t.body é', 'k', Charset.UTF_8);
  assert.equal(bytes.length, 32);
  assert.ok(bytes.every((b) => Number.isInteger(b) && b >= -128 && b <= 127));
  assert.ok(bytes.some((b) => b < 0), 'expected some negative (signed) bytes');
  assert.equal(h.context.PropertiesService.getScriptProperties().getProperty('NOPE'), null);
  h.setFetch(() => ({ code: 500, body: '' }));
  // Without muteHttpExceptions a 4xx/5xx throws; with it, the status comes back.
  assert.throws(() => h.context.UrlFetchApp.fetch(URL, { method: 'post' }), /returned code 500/);
  assert.equal(h.context.UrlFetchApp.fetch(URL, { method: 'post', muteHttpExceptions: true }).getResponseCode(), 500);
  assert.equal(String(h.context.FormApp.ItemType.GRID), 'GRID');
  assert.notEqual(h.context.FormApp.ItemType.GRID, 'GRID');
});

test('onFormSubmit posts the contract payload with the right types', () => {
  const h = harnessWith();
  submit(h);
  assert.equal(h.requests.length, 1);
  const req = lastRequest(h);
  assert.equal(req.url, URL);
  assert.equal(req.method, 'post');
  assert.equal(req.headers['Content-Type'], 'application/json');
  assert.equal(req.params.muteHttpExceptions, true);
  assert.equal(typeof req.body, 'string', 'payload must be the raw JSON string, not an object');

  const body = JSON.parse(req.body);
  assert.deepEqual(Object.keys(body).sort(), ['answers', 'form_id', 'respondent_email', 'response_id', 'submitted_at']);
  assert.equal(body.form_id, '1FAIpQLSe-the-real-google-form-id');
  assert.equal(body.response_id, 'resp-1');
  assert.equal(body.submitted_at, '2024-05-01T08:30:00.000Z');
  assert.equal(body.respondent_email, 'nomvula.zuma@example.org');
  assert.ok(Array.isArray(body.answers));
  for (const a of body.answers) {
    assert.deepEqual(Object.keys(a).sort(), ['answer', 'question']);
    assert.equal(typeof a.question, 'string');
    const ok = typeof a.answer === 'string' || (Array.isArray(a.answer) && a.answer.every((x) => typeof x === 'string'));
    assert.ok(ok, `answer to ${a.question} must be a string or a list of strings`);
  }
  assert.deepEqual(h.pending(), {});
});

test('answers: checkbox → list, grid → "row: choice" list, blanks skipped', () => {
  const h = harnessWith();
  submit(h);
  const answers = JSON.parse(lastRequest(h).body).answers;
  const byQuestion = Object.fromEntries(answers.map((a) => [a.question, a.answer]));

  assert.deepEqual(answers.map((a) => a.question), [
    'Centre', 'Type of feedback', 'Topic', 'Your message', 'Is a child at risk, or is this urgent?',
    'Your name', 'Email address', 'Phone number', 'Consent', 'Which days?', 'Rate the centre',
    'When can we call?', 'How satisfied?',
  ], 'form order kept; blank text, blank checkbox and unanswered grid skipped');
  assert.equal(byQuestion.Centre, 'Sikhula Sonke – Khayelitsha');
  assert.equal(byQuestion['Type of feedback'], 'Compliment');
  assert.deepEqual(byQuestion.Consent, [CONSENT], 'a single ticked checkbox is still a list');
  assert.deepEqual(byQuestion['Which days?'], ['Monday', 'Wednesday']);
  assert.deepEqual(byQuestion['Rate the centre'], ['Safety: Good', 'Communication: Excellent']);
  assert.deepEqual(byQuestion['When can we call?'], ['Morning: Mon, Wed']);
  assert.equal(byQuestion['How satisfied?'], '4');
  assert.equal(byQuestion['Your message'], sampleResponse().items[3].response, 'text passes through unchanged');
});

test('respondent_email is null when the form does not collect emails', () => {
  const spec = sampleResponse('resp-anon', { email: null });
  const h = harnessWith({ responses: [spec] });
  submit(h, 'resp-anon');
  assert.equal(JSON.parse(lastRequest(h).body).respondent_email, null);
});

test('the signature verifies with node:crypto over the exact body, with non-ASCII answers', () => {
  const h = harnessWith();
  submit(h);
  const req = lastRequest(h);
  assert.match(req.body, /✓/, 'non-ASCII is sent as-is, not \\u-escaped');
  assert.match(req.body, /😊/);
  assertSigned(req, Math.floor(NOW / 1000));

  // The check is sharp: signing without UTF-8 (the bug a missing Charset gives) would not verify.
  const t = String(Math.floor(NOW / 1000));
  const bytes = h.context.Utilities.computeHmacSha256Signature(`${t}.${req.body}`, SECRET);
  const wrong = Buffer.from(bytes.map((b) => b & 0xff)).toString('hex');
  assert.notEqual(`t=${t},v1=${wrong}`, req.headers['X-Signature']);
});

test('hex conversion handles signed bytes (no "-", always two digits per byte)', () => {
  const h = harnessWith();
  for (let i = 0; i < 50; i++) {
    const message = `${i}.{"x":"isiZulu: Ngiyabonga ${'é'.repeat(i)}"}`;
    const expected = crypto.createHmac('sha256', SECRET).update(message, 'utf8').digest('hex');
    assert.equal(h.call('hmacSha256Hex_', message, SECRET), expected);
  }
});

test('FORM_ID overrides the form id; blank FORM_ID falls back to the form id', () => {
  const h1 = harnessWith({ properties: { FORM_ID: 'demo-feedback-form' } });
  submit(h1);
  assert.equal(JSON.parse(lastRequest(h1).body).form_id, 'demo-feedback-form');

  const h2 = harnessWith({ properties: { FORM_ID: '  ' } });
  submit(h2);
  assert.equal(JSON.parse(lastRequest(h2).body).form_id, '1FAIpQLSe-the-real-google-form-id');
});

for (const code of [200, 201]) {
  test(`HTTP ${code} counts as delivered and clears an earlier queue entry`, () => {
    const h = harnessWith({ harness: { fetch: () => ({ code: 500 }) } });
    submit(h);
    assert.ok(h.pending()['pending:resp-1']);
    h.setFetch(() => ({ code, body: '{"reference":"ECD-2024-0001"}' }));
    h.call('resendAllResponses');
    assert.deepEqual(h.pending(), {});
    assert.ok(h.propertyWrites.filter((w) => w.key.startsWith('pending:')).every((w) => w.lockHeld));
  });
}

const FAILURES = [
  { name: 'HTTP 500', fetch: () => ({ code: 500, body: 'oops' }), status: 500 },
  { name: 'HTTP 429', fetch: () => ({ code: 429, body: '' }), status: 429 },
  { name: 'HTTP 401', fetch: () => ({ code: 401, body: '' }), status: 401 },
  { name: 'HTTP 404', fetch: () => ({ code: 404, body: '' }), status: 404 },
  { name: 'HTTP 422', fetch: () => ({ code: 422, body: '' }), status: 422 },
  {
    name: 'a thrown exception (timeout/DNS)',
    fetch: () => { throw new Error('Exception: Address unavailable: ' + URL); },
    status: 'network_error',
  },
];

for (const failure of FAILURES) {
  test(`${failure.name} queues the response id only; the retry resends with a fresh t and clears it`, () => {
    const spec = sampleResponse();
    const h = harnessWith({ responses: [spec], harness: { fetch: failure.fetch } });
    submit(h);

    const pending = h.pending();
    assert.deepEqual(Object.keys(pending), ['pending:resp-1']);
    const entry = JSON.parse(pending['pending:resp-1']);
    assert.equal(entry.attempts, 1);
    assert.equal(entry.last_status, failure.status);
    assert.deepEqual(Object.keys(entry).sort(), ['attempts', 'first_failed_at', 'last_attempt_at', 'last_status']);
    assertNoPersonalData(h, spec);
    assert.ok(h.logs.some((l) => l.includes('resp-1')), 'the failure is logged by response id');
    const queueWrites = h.propertyWrites.filter((w) => w.key.startsWith('pending:'));
    assert.ok(queueWrites.length > 0 && queueWrites.every((w) => w.lockHeld), 'queue written under the script lock');
    assert.equal(h.lockHeld, false, 'lock released');
    const firstBody = lastRequest(h).body;

    h.advance(600); // Ten minutes later the retry trigger runs; a stale t would be refused.
    h.setFetch(() => ({ code: 201, body: '{}' }));
    h.call('retryFailedDeliveries');
    assert.equal(h.requests.length, 2);
    const retry = lastRequest(h);
    assertSigned(retry, Math.floor(NOW / 1000) + 600);
    assert.equal(retry.body, firstBody, 'the payload is rebuilt identically from the form');
    assert.deepEqual(h.pending(), {});
    assertNoPersonalData(h, spec);
  });
}

test('repeated failures count attempts and keep the first failure time', () => {
  const h = harnessWith({ harness: { fetch: () => ({ code: 503 }) } });
  submit(h);
  const first = JSON.parse(h.pending()['pending:resp-1']);
  h.advance(600);
  h.call('retryFailedDeliveries');
  h.advance(600);
  h.call('retryFailedDeliveries');
  const entry = JSON.parse(h.pending()['pending:resp-1']);
  assert.equal(entry.attempts, 3);
  assert.equal(entry.last_status, 503);
  assert.equal(entry.first_failed_at, first.first_failed_at);
  assert.equal(entry.last_attempt_at, new Date(NOW + 1200 * 1000).toISOString());
  assert.equal(h.requests.length, 3);
});

for (const mode of ['throw', 'null']) {
  test(`a queued id whose response is gone is dropped (getResponseById ${mode}s)`, () => {
    const h = harnessWith({
      responses: [sampleResponse('resp-1'), sampleResponse('resp-2')],
      harness: { fetch: () => ({ code: 500 }), getResponseByIdMissing: mode },
    });
    submit(h, 'resp-1');
    submit(h, 'resp-2');
    assert.equal(Object.keys(h.pending()).length, 2);
    h.deleteResponse('resp-1');
    h.setFetch(() => ({ code: 201 }));
    h.call('retryFailedDeliveries');
    assert.deepEqual(h.pending(), {});
    assert.deepEqual(h.requests.slice(2).map((r) => JSON.parse(r.body).response_id), ['resp-2']);
    assert.ok(h.logs.some((l) => l.includes('resp-1') && /no longer exists/.test(l)));
  });
}

test('a retry run stops at a systemic failure (503) but carries on past a one-off 500', () => {
  const ids = ['r1', 'r2', 'r3'];
  const h = harnessWith({ responses: ids.map((id) => sampleResponse(id)), harness: { fetch: () => ({ code: 500 }) } });
  ids.forEach((id, i) => { h.advance(1); submit(h, id); });
  assert.equal(Object.keys(h.pending()).length, 3);

  h.requests.length = 0;
  h.setFetch(() => ({ code: 503 }));
  h.call('retryFailedDeliveries');
  assert.equal(h.requests.length, 1, 'backend unavailable: stop after the first');
  assert.equal(Object.keys(h.pending()).length, 3);

  h.requests.length = 0;
  h.setFetch((req) => ({ code: JSON.parse(req.body).response_id === 'r1' ? 500 : 201 }));
  h.call('retryFailedDeliveries');
  assert.deepEqual(h.requests.map((r) => JSON.parse(r.body).response_id), ['r1', 'r2', 'r3'], 'oldest first');
  assert.deepEqual(Object.keys(h.pending()), ['pending:r1']);
});

test('the queue is still written when the script lock cannot be had', () => {
  const h = harnessWith({ harness: { fetch: () => ({ code: 500 }), lockAvailable: false } });
  submit(h);
  assert.ok(h.pending()['pending:resp-1'], 'a response id is never lost to lock contention');
});

test('installTriggers is idempotent and leaves other triggers alone', () => {
  const h = harnessWith();
  // Someone else's trigger in the same project must survive.
  h.context.ScriptApp.newTrigger('someoneElsesJob').timeBased().everyMinutes(30).create();
  h.call('installTriggers');
  h.call('installTriggers');
  h.call('installTriggers');
  const triggers = h.triggers();
  const ours = triggers.filter((t) => t.handler !== 'someoneElsesJob');
  assert.equal(triggers.length, 3);
  assert.equal(ours.length, 2);
  const submitTrigger = ours.find((t) => t.handler === 'onFormSubmit');
  assert.equal(submitTrigger.eventType, 'ON_FORM_SUBMIT');
  assert.equal(submitTrigger.formId, '1FAIpQLSe-the-real-google-form-id');
  const retryTrigger = ours.find((t) => t.handler === 'retryFailedDeliveries');
  assert.equal(retryTrigger.eventType, 'CLOCK');
  assert.equal(retryTrigger.everyMinutes, 10);
  assert.equal(h.requests.length, 0);
});

for (const missing of ['INTAKE_URL', 'INTAKE_SECRET']) {
  test(`missing ${missing} fails loudly without sending, and nothing is lost`, () => {
    const h = harnessWith();
    h.deleteProperty(missing);
    assert.throws(() => submit(h), new RegExp(missing));
    assert.equal(h.requests.length, 0);
    assert.equal(JSON.parse(h.pending()['pending:resp-1']).last_status, 'config_missing');
    assert.throws(() => h.call('retryFailedDeliveries'), new RegExp(missing));
    assert.throws(() => h.call('installTriggers'), new RegExp(missing));
    assert.throws(() => h.call('resendAllResponses'), new RegExp(missing));
    assert.equal(h.triggers().length, 0);
    assert.equal(h.requests.length, 0);

    // Once the administrator sets it, the retry trigger delivers the waiting response.
    h.setProperty(missing, missing === 'INTAKE_URL' ? URL : SECRET);
    h.call('retryFailedDeliveries');
    assert.equal(h.requests.length, 1);
    assertSigned(lastRequest(h));
    assert.deepEqual(h.pending(), {});
  });
}

test('an INTAKE_URL that is not a web address fails loudly without sending', () => {
  const h = harnessWith({ properties: { INTAKE_URL: 'cloudfunctions.net/intake_google_form' } });
  assert.throws(() => submit(h), /INTAKE_URL/);
  assert.equal(h.requests.length, 0);
});

test('onFormSubmit run by hand (no event) explains itself', () => {
  const h = harnessWith();
  assert.throws(() => h.call('onFormSubmit'), /installTriggers/);
  assert.throws(() => h.call('onFormSubmit', {}), /installTriggers/);
  assert.equal(h.requests.length, 0);
});

test('resendAllResponses sends every response, and resumes after a systemic failure', () => {
  const ids = ['a1', 'a2', 'a3', 'a4'];
  const h = harnessWith({ responses: ids.map((id) => sampleResponse(id)) });
  h.call('resendAllResponses');
  assert.deepEqual(h.requests.map((r) => JSON.parse(r.body).response_id), ids);
  h.requests.forEach((r) => assertSigned(r));
  assert.deepEqual(h.properties()['backfill:next_index'], undefined);

  h.requests.length = 0;
  h.setFetch((req) => ({ code: JSON.parse(req.body).response_id === 'a2' ? 404 : 200 }));
  h.call('resendAllResponses');
  assert.deepEqual(h.requests.map((r) => JSON.parse(r.body).response_id), ['a1', 'a2'], 'stops at the 404');
  assert.deepEqual(Object.keys(h.pending()), ['pending:a2'], 'the failed one is queued');
  assert.equal(h.properties()['backfill:next_index'], '2');

  h.requests.length = 0;
  h.setFetch(() => ({ code: 200 }));
  h.call('resendAllResponses');
  assert.deepEqual(h.requests.map((r) => JSON.parse(r.body).response_id), ['a3', 'a4'], 'continues where it stopped');
  assert.equal(h.properties()['backfill:next_index'], undefined);
});

test('listPendingDeliveries logs ids and statuses only', () => {
  const spec = sampleResponse();
  const h = harnessWith({ responses: [spec], harness: { fetch: () => ({ code: 404 }) } });
  submit(h);
  h.call('listPendingDeliveries');
  assert.ok(h.logs.some((l) => l.startsWith('resp-1: 1 attempt(s), last status 404')));
  assertNoPersonalData(h, spec);
});

// ---------------------------------------------------------------------------------------------
// capture_request.js: the CLI the Python tests use to replay the exact request into the backend.

function runCapture(input, env = {}) {
  return spawnSync(process.execPath, [CAPTURE], {
    input: typeof input === 'string' ? input : JSON.stringify(input),
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
  });
}

const CAPTURE_INPUT = {
  form_id_property: 'demo-feedback-form',
  form_id: '1FAIpQLSe-google-id',
  response_id: 'ACYDBNj-resp-42',
  timestamp: '2024-05-01T08:30:00Z',
  respondent_email: null,
  items: [
    { title: 'Centre', type: 'LIST', response: 'Sikhula Sonke – Khayelitsha' },
    { title: 'Your message', type: 'PARAGRAPH_TEXT', response: 'Siyabonga ✓ café 😊' },
    { title: 'Consent', type: 'CHECKBOX', response: [CONSENT] },
    { title: 'Rate the centre', type: 'GRID', rows: ['Safety', 'Food'], response: ['Good', 'Fair'] },
    { title: 'When can we call?', type: 'CHECKBOX_GRID', response: [['Mon'], ['Tue', 'Thu']] },
    { title: 'Your name', type: 'TEXT', response: '' },
  ],
};

test('capture_request.js prints the exact request Code.gs sends', () => {
  const before = Math.floor(Date.now() / 1000);
  const run = runCapture(CAPTURE_INPUT, { INTAKE_SECRET: SECRET });
  assert.equal(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  assert.deepEqual(Object.keys(out).sort(), ['body', 'headers', 'url']);
  assert.equal(out.url, 'http://127.0.0.1:8080/intake_google_form');
  assert.equal(out.headers['Content-Type'], 'application/json');
  const sig = assertSigned({ headers: out.headers, body: out.body });
  assert.ok(Number(sig.t) >= before && Number(sig.t) <= Math.floor(Date.now() / 1000), 't is the real current time');

  const body = JSON.parse(out.body);
  assert.equal(body.form_id, 'demo-feedback-form');
  assert.equal(body.response_id, 'ACYDBNj-resp-42');
  assert.equal(body.submitted_at, '2024-05-01T08:30:00.000Z');
  assert.equal(body.respondent_email, null);
  assert.deepEqual(body.answers, [
    { question: 'Centre', answer: 'Sikhula Sonke – Khayelitsha' },
    { question: 'Your message', answer: 'Siyabonga ✓ café 😊' },
    { question: 'Consent', answer: [CONSENT] },
    { question: 'Rate the centre', answer: ['Safety: Good', 'Food: Fair'] },
    { question: 'When can we call?', answer: ['Row 1: Mon', 'Row 2: Tue, Thu'] },
  ]);
});

test('capture_request.js: INTAKE_URL from env, form id default, email passed through', () => {
  const input = { ...CAPTURE_INPUT, form_id_property: null, respondent_email: 'parent@example.org' };
  const run = runCapture(input, { INTAKE_SECRET: 'other', INTAKE_URL: 'http://localhost:9999/intake_google_form' });
  assert.equal(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  assert.equal(out.url, 'http://localhost:9999/intake_google_form');
  assert.ok(verifySignature(out.headers['X-Signature'], out.body, 'other').valid);
  const body = JSON.parse(out.body);
  assert.equal(body.form_id, '1FAIpQLSe-google-id');
  assert.equal(body.respondent_email, 'parent@example.org');
});

test('capture_request.js exits non-zero with a clear message on bad input', () => {
  const cases = [
    [CAPTURE_INPUT, {}, /INTAKE_SECRET/],
    ['not json', { INTAKE_SECRET: SECRET }, /JSON/],
    [[], { INTAKE_SECRET: SECRET }, /object/],
    [{ ...CAPTURE_INPUT, response_id: '' }, { INTAKE_SECRET: SECRET }, /response_id/],
    [{ ...CAPTURE_INPUT, timestamp: 'yesterday' }, { INTAKE_SECRET: SECRET }, /timestamp/],
    [{ ...CAPTURE_INPUT, items: [{ title: 'X', type: 'BOGUS', response: 'y' }] }, { INTAKE_SECRET: SECRET }, /type/],
    [{ ...CAPTURE_INPUT, items: [{ title: 'X', type: 'TEXT', response: 3 }] }, { INTAKE_SECRET: SECRET }, /response/],
    [{ ...CAPTURE_INPUT, items: 'nope' }, { INTAKE_SECRET: SECRET }, /items/],
  ];
  for (const [input, env, message] of cases) {
    const run = runCapture(input, env);
    assert.notEqual(run.status, 0, `expected failure for ${JSON.stringify(input).slice(0, 60)}`);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, message);
  }
});
