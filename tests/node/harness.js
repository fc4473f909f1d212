'use strict';
/**
 * Loads infra/google_forms/Code.gs into a node:vm context with stand-ins for the Apps Script
 * services it uses (FormApp, UrlFetchApp, Utilities, PropertiesService, ScriptApp, LockService,
 * Logger), and exposes what the script did: requests fetched, Script Properties, triggers, logs.
 *
 * The stand-ins copy the real services' quirks that matter here:
 *  - Utilities.computeHmacSha256Signature returns SIGNED bytes (-128..127), and encodes text as
 *    UTF-8 only when given Utilities.Charset.UTF_8 (otherwise one byte per UTF-16 unit, which
 *    breaks non-ASCII the way a missing charset would);
 *  - getScriptProperties().getProperty returns null when absent, values are stored as strings,
 *    and one value may hold at most 9 kB;
 *  - UrlFetchApp.fetch returns an HTTPResponse-like object, and throws on >= 400 unless
 *    muteHttpExceptions is true;
 *  - Item.getType() returns an enum object (String() gives its name), not a string;
 *  - FormResponse.getRespondentEmail() returns '' when emails are not collected, and
 *    Form.getResponseById throws for an unknown id.
 */

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const CODE_PATH = path.resolve(__dirname, '..', '..', 'infra', 'google_forms', 'Code.gs');

const ITEM_TYPE_NAMES = [
  'CHECKBOX', 'CHECKBOX_GRID', 'DATE', 'DATETIME', 'DURATION', 'FILE_UPLOAD', 'GRID', 'IMAGE',
  'LIST', 'MULTIPLE_CHOICE', 'PAGE_BREAK', 'PARAGRAPH_TEXT', 'RATING', 'SCALE', 'SECTION_HEADER',
  'TEXT', 'TIME', 'VIDEO',
];

/** Apps Script enums are objects whose toString()/name() give the constant's name. */
function makeEnum(names) {
  const result = {};
  names.forEach((name, ordinal) => {
    result[name] = Object.freeze({
      name: () => name,
      ordinal: () => ordinal,
      toString: () => name,
      toJSON: () => name,
    });
  });
  return Object.freeze(result);
}

const ItemType = makeEnum(ITEM_TYPE_NAMES);
const Charset = makeEnum(['US_ASCII', 'UTF_8']);
const EventType = makeEnum(['CLOCK', 'ON_FORM_SUBMIT', 'ON_OPEN', 'ON_EDIT', 'ON_CHANGE']);
const TriggerSource = makeEnum(['CLOCK', 'FORMS', 'SPREADSHEETS', 'DOCUMENTS', 'CALENDAR']);

function isUtf8Charset(charset) {
  return charset === Charset.UTF_8;
}

/** Encodes text the way the real Utilities does: UTF-8 only when asked for it. */
function encodeForSignature(value, charset) {
  if (Array.isArray(value)) return Buffer.from(value.map((b) => b & 0xff));
  const text = String(value);
  if (isUtf8Charset(charset)) return Buffer.from(text, 'utf8');
  // Without UTF_8, each UTF-16 unit becomes one byte: right for ASCII, wrong for "é" or "✓".
  return Buffer.from(Array.from(text, (ch) => ch.charCodeAt(0) & 0xff));
}

function toSignedBytes(buffer) {
  return Array.from(buffer, (b) => (b > 127 ? b - 256 : b));
}

/** Builds a FormResponse stand-in from a plain spec. */
function makeItem(spec, index) {
  if (!spec || typeof spec.title !== 'string') throw new TypeError('item needs a string title');
  const typeName = spec.type || 'TEXT';
  const type = ItemType[typeName];
  if (!type) throw new TypeError(`unknown item type ${JSON.stringify(typeName)}`);
  const rows = Array.isArray(spec.rows) ? spec.rows.slice() : null;
  const gridFace = (wanted) => () => {
    if (typeName !== wanted) throw new Error(`Exception: Item "${spec.title}" is a ${typeName}, not a ${wanted}.`);
    const rowCount = Array.isArray(spec.response) ? spec.response.length : 0;
    const theRows = rows || Array.from({ length: rowCount }, (_, i) => `Row ${i + 1}`);
    return { getRows: () => theRows.slice(), getColumns: () => (spec.columns || []).slice(), getTitle: () => spec.title };
  };
  return {
    getId: () => spec.id || 1000 + index,
    getIndex: () => index,
    getTitle: () => spec.title,
    getType: () => type,
    asGridItem: gridFace('GRID'),
    asCheckboxGridItem: gridFace('CHECKBOX_GRID'),
  };
}

function makeFormResponse(spec) {
  const items = (spec.items || []).map((itemSpec, i) => ({ item: makeItem(itemSpec, i), response: itemSpec.response }));
  const timestamp = spec.timestamp instanceof Date ? spec.timestamp : new Date(spec.timestamp || '2024-05-01T08:30:00.000Z');
  if (Number.isNaN(timestamp.getTime())) throw new TypeError(`bad timestamp ${JSON.stringify(spec.timestamp)}`);
  const copy = (value) => (Array.isArray(value) ? value.map(copy) : value);
  return {
    getId: () => spec.id,
    getTimestamp: () => new Date(timestamp.getTime()),
    getRespondentEmail: () => (spec.email == null ? '' : spec.email),
    getItemResponses: () => items.map(({ item, response }) => ({
      getItem: () => item,
      getResponse: () => copy(response),
    })),
    getEditResponseUrl: () => `https://docs.google.com/forms/d/e/edit?id=${spec.id}`,
  };
}

/**
 * createHarness(options) → harness
 *   options.properties  initial Script Properties (strings)
 *   options.formId      the bound form's id (FormApp.getActiveForm().getId())
 *   options.responses   response specs: {id, timestamp, email, items: [{title, type, response, rows}]}
 *   options.fetch       (request) => ({code, body}) or throws; default answers 201
 *   options.now         start time in ms (default Date.now()); harness.advance(seconds) moves it
 *   options.getResponseByIdMissing  'throw' (default, like Forms) or 'null'
 *   options.lockAvailable  false makes tryLock/waitLock fail (contention)
 */
function createHarness(options = {}) {
  let nowMs = options.now === undefined ? Date.now() : options.now;
  const requests = [];
  const logs = [];
  const propertyWrites = [];
  const props = new Map(Object.entries(options.properties || {}).map(([k, v]) => [k, String(v)]));
  let lockHeld = false;
  let lockAvailable = options.lockAvailable !== false;
  let fetchHandler = options.fetch || (() => ({ code: 201, body: '{"reference":"ECD-TEST"}' }));
  const formId = options.formId || '1FAIpQLSf-default-form-id';
  let responses = (options.responses || []).map((spec) => ({ spec, response: makeFormResponse(spec) }));
  let triggers = [];
  let nextTriggerId = 1;

  const scriptProperties = {
    getProperty(key) {
      return props.has(String(key)) ? props.get(String(key)) : null;
    },
    setProperty(key, value) {
      const text = String(value);
      if (Buffer.byteLength(text, 'utf8') > 9 * 1024) throw new Error('Exception: Argument too large: value');
      props.set(String(key), text);
      propertyWrites.push({ op: 'set', key: String(key), value: text, lockHeld });
      return scriptProperties;
    },
    setProperties(obj, deleteAllOthers) {
      if (deleteAllOthers) props.clear();
      for (const [k, v] of Object.entries(obj)) scriptProperties.setProperty(k, v);
      return scriptProperties;
    },
    deleteProperty(key) {
      props.delete(String(key));
      propertyWrites.push({ op: 'delete', key: String(key), lockHeld });
      return scriptProperties;
    },
    deleteAllProperties() {
      props.clear();
      return scriptProperties;
    },
    getProperties() {
      return Object.fromEntries(props);
    },
    getKeys() {
      return Array.from(props.keys());
    },
  };

  const form = {
    getId: () => formId,
    getTitle: () => 'Parent feedback',
    getResponses: () => responses.map((r) => r.response),
    getResponseById(id) {
      const found = responses.find((r) => r.spec.id === id);
      if (found) return found.response;
      if (options.getResponseByIdMissing === 'null') return null;
      throw new Error(`Exception: No response with ID ${id} exists for this form.`);
    },
    deleteResponse(id) {
      responses = responses.filter((r) => r.spec.id !== id);
      return form;
    },
  };

  const FormApp = { ItemType, getActiveForm: () => form };

  const UrlFetchApp = {
    fetch(url, params = {}) {
      const headers = {};
      if (params.contentType) headers['Content-Type'] = params.contentType;
      for (const [k, v] of Object.entries(params.headers || {})) headers[k] = String(v);
      const request = {
        url,
        method: String(params.method || 'get').toLowerCase(),
        headers,
        body: params.payload,
        params: { ...params },
        time: nowMs,
      };
      requests.push(request);
      const answer = fetchHandler(request); // May throw, like a timeout or DNS failure.
      const code = answer.code;
      const body = answer.body === undefined ? '' : String(answer.body);
      if (code >= 400 && !params.muteHttpExceptions) {
        throw new Error(`Exception: Request failed for ${url} returned code ${code}. Truncated server response: ${body}`);
      }
      return {
        getResponseCode: () => code,
        getContentText: () => body,
        getHeaders: () => ({ 'Content-Type': 'application/json' }),
        getAllHeaders: () => ({ 'Content-Type': 'application/json' }),
      };
    },
  };

  const Utilities = {
    Charset,
    computeHmacSha256Signature(value, key, charset) {
      const mac = crypto.createHmac('sha256', encodeForSignature(key, charset));
      mac.update(encodeForSignature(value, charset));
      return toSignedBytes(mac.digest());
    },
    sleep(ms) {
      nowMs += ms;
    },
  };

  const PropertiesService = {
    getScriptProperties: () => scriptProperties,
    getUserProperties: () => { throw new Error('Code.gs should use Script Properties only'); },
    getDocumentProperties: () => { throw new Error('Code.gs should use Script Properties only'); },
  };

  function makeTrigger(handler, eventType, source, sourceId, extra) {
    const id = String(nextTriggerId++);
    const trigger = {
      getHandlerFunction: () => handler,
      getEventType: () => eventType,
      getTriggerSource: () => source,
      getTriggerSourceId: () => sourceId,
      getUniqueId: () => id,
      _info: { id, handler, eventType: String(eventType), ...extra },
    };
    triggers.push(trigger);
    return trigger;
  }

  const ScriptApp = {
    EventType,
    TriggerSource,
    getProjectTriggers: () => triggers.slice(),
    deleteTrigger(trigger) {
      const before = triggers.length;
      triggers = triggers.filter((t) => t.getUniqueId() !== trigger.getUniqueId());
      if (triggers.length === before) throw new Error('Exception: Trigger not found');
    },
    newTrigger(handler) {
      if (typeof handler !== 'string') throw new TypeError('newTrigger takes the function name');
      return {
        forForm(target) {
          const targetId = typeof target === 'string' ? target : target.getId();
          return {
            onFormSubmit: () => ({
              create: () => makeTrigger(handler, EventType.ON_FORM_SUBMIT, TriggerSource.FORMS, targetId, { formId: targetId }),
            }),
            onOpen: () => ({
              create: () => makeTrigger(handler, EventType.ON_OPEN, TriggerSource.FORMS, targetId, { formId: targetId }),
            }),
          };
        },
        timeBased() {
          const clock = {
            everyMinutes(n) {
              if (![1, 5, 10, 15, 30].includes(n)) throw new Error('Exception: The value must be 1, 5, 10, 15 or 30.');
              clock.minutes = n;
              return clock;
            },
            everyHours(n) {
              clock.minutes = n * 60;
              return clock;
            },
            create: () => makeTrigger(handler, EventType.CLOCK, TriggerSource.CLOCK, null, { everyMinutes: clock.minutes }),
          };
          return clock;
        },
      };
    },
  };

  const lock = {
    tryLock() {
      if (!lockAvailable) return false;
      lockHeld = true;
      return true;
    },
    waitLock(ms) {
      if (!lockAvailable) throw new Error(`Exception: Lock timeout: another process was holding the lock for too long (${ms} ms).`);
      lockHeld = true;
    },
    releaseLock() {
      lockHeld = false;
    },
    hasLock: () => lockHeld,
  };
  const LockService = {
    getScriptLock: () => lock,
    getUserLock: () => lock,
    getDocumentLock: () => lock,
  };

  const format = (args) => {
    if (args.length > 1 && typeof args[0] === 'string' && args[0].includes('%s')) {
      let i = 1;
      return args[0].replace(/%s/g, () => String(args[i++]));
    }
    return args.map(String).join(' ');
  };
  const Logger = {
    log(...args) {
      logs.push(format(args));
      return Logger;
    },
    getLog: () => logs.join('\n'),
    clear: () => { logs.length = 0; },
  };
  const consoleStub = {
    log: (...args) => logs.push(format(args)),
    info: (...args) => logs.push(format(args)),
    warn: (...args) => logs.push(format(args)),
    error: (...args) => logs.push(format(args)),
  };

  const context = vm.createContext({
    FormApp,
    UrlFetchApp,
    Utilities,
    PropertiesService,
    ScriptApp,
    LockService,
    Logger,
    console: consoleStub,
    __harnessNow: () => nowMs,
  });
  // The script's clock follows the harness clock, so tests can move time forward.
  vm.runInContext(`(function () {
    var RealDate = Date;
    function HarnessDate() {
      var args = Array.prototype.slice.call(arguments);
      if (!new.target) return new RealDate(__harnessNow()).toString();
      return args.length ? new (Function.prototype.bind.apply(RealDate, [null].concat(args)))()
                         : new RealDate(__harnessNow());
    }
    HarnessDate.prototype = RealDate.prototype;
    HarnessDate.now = function () { return __harnessNow(); };
    HarnessDate.parse = RealDate.parse;
    HarnessDate.UTC = RealDate.UTC;
    globalThis.Date = HarnessDate;
  })();`, context);
  vm.runInContext(fs.readFileSync(CODE_PATH, 'utf8'), context, { filename: 'Code.gs' });

  return {
    context,
    form,
    requests,
    logs,
    propertyWrites,
    /** Calls a top-level function of Code.gs. */
    call(name, ...args) {
      if (typeof context[name] !== 'function') throw new Error(`Code.gs has no top-level function ${name}`);
      return context[name](...args);
    },
    /** The event object of an installable "On form submit" trigger for a stored response. */
    submitEvent(responseId) {
      return { authMode: 'FULL', response: form.getResponseById(responseId), source: form, triggerUid: '1' };
    },
    addResponse(spec) {
      responses.push({ spec, response: makeFormResponse(spec) });
      return spec.id;
    },
    deleteResponse: (id) => form.deleteResponse(id),
    properties: () => Object.fromEntries(props),
    pending() {
      return Object.fromEntries(Array.from(props).filter(([k]) => k.startsWith('pending:')));
    },
    setProperty: (k, v) => props.set(k, String(v)),
    deleteProperty: (k) => props.delete(k),
    setFetch(handler) {
      fetchHandler = handler;
    },
    setLockAvailable(value) {
      lockAvailable = value;
    },
    get lockHeld() {
      return lockHeld;
    },
    triggers: () => triggers.map((t) => ({ ...t._info })),
    now: () => nowMs,
    advance(seconds) {
      nowMs += seconds * 1000;
    },
  };
}

/** Parses "t=<secs>,v1=<hex>" and checks it with node:crypto over the exact body string. */
function verifySignature(header, body, secret) {
  const parts = Object.fromEntries(String(header).split(',').map((p) => {
    const i = p.indexOf('=');
    return [p.slice(0, i).trim(), p.slice(i + 1).trim()];
  }));
  const expected = crypto.createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(Buffer.from(`${parts.t}.${body}`, 'utf8'))
    .digest('hex');
  return { t: parts.t, v1: parts.v1, expected, valid: parts.v1 === expected };
}

module.exports = {
  CODE_PATH,
  ItemType,
  Charset,
  createHarness,
  makeFormResponse,
  verifySignature,
  toSignedBytes,
};
