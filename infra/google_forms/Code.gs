/**
 * Forwards Google Form responses to the ECD feedback backend (intake_google_form).
 *
 * Set-up (see README.md next to this file): bind this script to the form
 * (Extensions → Apps Script), set the Script Properties INTAKE_URL and
 * INTAKE_SECRET (and FORM_ID if the backend knows the form by a mapping name),
 * then run installTriggers() once.
 *
 * Privacy (POPIA): answers and email addresses are never stored or logged here.
 * A failed delivery is remembered by its response id only; the answers are read
 * again from the form when it is retried. Logs carry response ids and HTTP
 * status codes, nothing else about the respondent.
 *
 * The backend is idempotent on (form_id, response_id), so sending a response
 * twice is always safe: retries and resendAllResponses() rely on that.
 */

// One Script Property per response still waiting for delivery: "pending:<responseId>".
var PENDING_PREFIX = 'pending:';
// Where resendAllResponses() continues after running out of time.
var BACKFILL_CURSOR_KEY = 'backfill:next_index';
var RETRY_EVERY_MINUTES = 10;
var LOCK_TIMEOUT_MS = 30 * 1000;
// Apps Script stops a run after 6 minutes; stop starting new deliveries well before that.
var TIME_BUDGET_MS = 4 * 60 * 1000;
// The functions our triggers call; installTriggers() replaces only these.
var TRIGGER_HANDLERS = ['onFormSubmit', 'retryFailedDeliveries'];

/**
 * Runs on every submission (installable "On form submit" trigger).
 * A failed delivery is queued for retryFailedDeliveries(), never lost.
 */
function onFormSubmit(e) {
  if (!e || !e.response) {
    throw new Error('onFormSubmit is run by the "On form submit" trigger, not by hand. ' +
      'Run installTriggers() once to set it up, or resendAllResponses() to send existing responses.');
  }
  var responseId = e.response.getId();
  var config;
  try {
    config = getConfig_();
  } catch (err) {
    // Keep the id so the retry trigger sends it once the settings are fixed, then fail loudly
    // (the run shows as Failed on the Executions page and Google emails the trigger's owner).
    recordFailure_(responseId, 'config_missing');
    throw err;
  }
  deliverAndTrack_(config, e.response);
}

/**
 * Runs every 10 minutes (time-driven trigger): resends every queued response.
 * The answers are rebuilt from the form, because the queue holds only ids.
 */
function retryFailedDeliveries() {
  var config = getConfig_();
  var form = getForm_();
  var pending = listPending_();
  if (pending.length === 0) {
    return;
  }
  var started = Date.now();
  var delivered = 0;
  for (var i = 0; i < pending.length; i++) {
    if (Date.now() - started > TIME_BUDGET_MS) {
      Logger.log('Time is up for this run; ' + (pending.length - i) + ' response(s) wait for the next one.');
      break;
    }
    var responseId = pending[i].responseId;
    var response;
    try {
      response = findResponse_(form, responseId);
    } catch (err) {
      // Forms could not tell us either way (a passing outage): keep it and try next time.
      Logger.log('Could not read response ' + responseId + ' from the form; will try again next run.');
      continue;
    }
    if (!response) {
      removePending_(responseId);
      Logger.log('Dropped queued response ' + responseId + ': it no longer exists in the form.');
      continue;
    }
    var status;
    try {
      status = deliverAndTrack_(config, response);
    } catch (err) {
      continue; // Already logged and kept in the queue; do not let one response block the rest.
    }
    if (isSuccess_(status)) {
      delivered++;
    } else if (isSystemicFailure_(status)) {
      // The same answer awaits every other response (backend down, busy, wrong secret or
      // mapping): stop rather than hammer it; everything stays queued for the next run.
      Logger.log('Stopping this run after HTTP status ' + status + '; ' + (pending.length - i - 1) +
        ' other response(s) stay queued.');
      break;
    }
  }
  Logger.log('Retry run finished: ' + delivered + ' delivered, ' + listPending_().length + ' still queued.');
}

/**
 * Creates this script's two triggers. Safe to run again: our old triggers are deleted first,
 * so there is never more than one of each.
 */
function installTriggers() {
  getConfig_(); // Fail now, while the administrator is watching, rather than at the first submission.
  var form = getForm_();
  var triggers = ScriptApp.getProjectTriggers();
  for (var i = 0; i < triggers.length; i++) {
    if (TRIGGER_HANDLERS.indexOf(triggers[i].getHandlerFunction()) !== -1) {
      ScriptApp.deleteTrigger(triggers[i]);
    }
  }
  ScriptApp.newTrigger('onFormSubmit').forForm(form).onFormSubmit().create();
  ScriptApp.newTrigger('retryFailedDeliveries').timeBased().everyMinutes(RETRY_EVERY_MINUTES).create();
  Logger.log('Installed triggers: onFormSubmit (on form submit) and retryFailedDeliveries (every ' +
    RETRY_EVERY_MINUTES + ' minutes).');
}

/**
 * Sends every response already in the form (a backfill, e.g. after the form was linked late).
 * Safe to repeat: the backend recognises responses it already has. If the run nears Apps
 * Script's time limit it stops and remembers where it was: run it again to continue.
 */
function resendAllResponses() {
  var config = getConfig_();
  var form = getForm_();
  var props = PropertiesService.getScriptProperties();
  var responses = form.getResponses();
  var start = parseInt(props.getProperty(BACKFILL_CURSOR_KEY), 10) || 0;
  if (start >= responses.length) {
    start = 0;
  }
  var started = Date.now();
  var delivered = 0;
  for (var i = start; i < responses.length; i++) {
    if (Date.now() - started > TIME_BUDGET_MS) {
      props.setProperty(BACKFILL_CURSOR_KEY, String(i));
      Logger.log('Sent up to response ' + i + ' of ' + responses.length +
        ' before the time limit. Run resendAllResponses again to continue.');
      return;
    }
    var status = deliverAndTrack_(config, responses[i]);
    if (isSuccess_(status)) {
      delivered++;
    } else if (isSystemicFailure_(status)) {
      // This one is queued; the rest would fail the same way, so stop and let the admin fix it.
      props.setProperty(BACKFILL_CURSOR_KEY, String(i + 1));
      Logger.log('Stopped after HTTP status ' + status + ' at response ' + (i + 1) + ' of ' +
        responses.length + '. Fix the cause (see README), then run resendAllResponses again to continue.');
      return;
    }
  }
  props.deleteProperty(BACKFILL_CURSOR_KEY);
  Logger.log('Backfill finished: ' + delivered + ' of ' + (responses.length - start) +
    ' response(s) delivered; failures are queued for retry.');
}

/** Logs the queued response ids with their attempt count and last status (for troubleshooting). */
function listPendingDeliveries() {
  var pending = listPending_();
  Logger.log(pending.length + ' response(s) waiting for delivery.');
  for (var i = 0; i < pending.length; i++) {
    var entry = pending[i].entry;
    Logger.log(pending[i].responseId + ': ' + entry.attempts + ' attempt(s), last status ' +
      entry.last_status + ', last tried ' + entry.last_attempt_at);
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers. The trailing underscore keeps them out of the editor's Run menu.

/** Reads the Script Properties; throws a clear error if a required one is missing. */
function getConfig_() {
  var props = PropertiesService.getScriptProperties();
  var url = trimmed_(props.getProperty('INTAKE_URL'));
  // Trimmed because a stray space or newline pasted with the secret would break every signature.
  var secret = trimmed_(props.getProperty('INTAKE_SECRET'));
  var missing = [];
  if (!url) missing.push('INTAKE_URL');
  if (!secret) missing.push('INTAKE_SECRET');
  if (missing.length) {
    throw new Error('Script Property ' + missing.join(' and ') + ' is not set, so nothing was sent. ' +
      'Set it in Project Settings → Script Properties (see README.md).');
  }
  if (!/^https?:\/\//i.test(url)) {
    throw new Error('Script Property INTAKE_URL must be a full address starting with https://, so nothing was sent.');
  }
  var formId = trimmed_(props.getProperty('FORM_ID')) || getForm_().getId();
  return { url: url, secret: secret, formId: formId };
}

function getForm_() {
  var form = FormApp.getActiveForm();
  if (!form) {
    throw new Error('This script must be bound to the form: open it from the form with Extensions → Apps Script.');
  }
  return form;
}

/** Sends one response and keeps the queue in step with the outcome. Returns the status. */
function deliverAndTrack_(config, response) {
  var responseId = response.getId();
  var payload;
  try {
    payload = buildPayload_(config.formId, response);
  } catch (err) {
    // A question type we did not foresee: keep the id (a fixed script will send it), then fail loudly.
    recordFailure_(responseId, 'script_error');
    Logger.log('Could not read the answers of response ' + responseId + ' (script error); queued for retry.');
    throw err;
  }
  var status = send_(config, payload);
  if (isSuccess_(status)) {
    clearPending_(responseId);
    Logger.log('Delivered response ' + responseId + ' (HTTP ' + status + ').');
  } else {
    recordFailure_(responseId, status);
    Logger.log('Delivery of response ' + responseId + ' failed (' + describeStatus_(status) +
      '); queued for retry.');
  }
  return status;
}

/** The JSON body the backend expects. */
function buildPayload_(formId, response) {
  var timestamp = response.getTimestamp();
  var email = response.getRespondentEmail ? response.getRespondentEmail() : '';
  return {
    form_id: formId,
    response_id: response.getId(),
    submitted_at: timestamp ? timestamp.toISOString() : new Date().toISOString(),
    // Forms returns '' when it does not collect emails; the backend wants null then.
    respondent_email: email ? String(email) : null,
    answers: buildAnswers_(response.getItemResponses())
  };
}

/** [{question, answer}] where answer is a string or a list of strings; blank answers are skipped. */
function buildAnswers_(itemResponses) {
  var answers = [];
  for (var i = 0; i < itemResponses.length; i++) {
    var item = itemResponses[i].getItem();
    var answer = answerValue_(item, itemResponses[i].getResponse());
    if (answer !== null) {
      answers.push({ question: String(item.getTitle()), answer: answer });
    }
  }
  return answers;
}

function answerValue_(item, raw) {
  var type = item.getType();
  if (isItemType_(type, 'GRID') || isItemType_(type, 'CHECKBOX_GRID')) {
    return gridAnswer_(item, type, raw);
  }
  if (Array.isArray(raw)) {
    // Checkboxes (and file uploads) give a list; keep it a list even with one choice.
    var values = [];
    for (var i = 0; i < raw.length; i++) {
      var text = text_(raw[i]);
      if (!isBlank_(text)) values.push(text);
    }
    return values.length ? values : null;
  }
  var single = text_(raw);
  return isBlank_(single) ? null : single;
}

/**
 * Grids answer one choice per row (GRID) or several (CHECKBOX_GRID), indexed by row and without
 * the row labels; turn each answered row into "row: choice" (choices joined by ", ").
 */
function gridAnswer_(item, type, raw) {
  var rows = isItemType_(type, 'GRID') ? item.asGridItem().getRows() : item.asCheckboxGridItem().getRows();
  var lines = [];
  var cells = Array.isArray(raw) ? raw : [];
  for (var i = 0; i < cells.length; i++) {
    var choice;
    if (Array.isArray(cells[i])) {
      var picked = [];
      for (var j = 0; j < cells[i].length; j++) {
        if (!isBlank_(text_(cells[i][j]))) picked.push(text_(cells[i][j]));
      }
      choice = picked.join(', ');
    } else {
      choice = text_(cells[i]);
    }
    if (isBlank_(choice)) continue; // Unanswered rows come back as ''.
    var row = rows && rows[i] != null ? String(rows[i]) : 'Row ' + (i + 1);
    lines.push(row + ': ' + choice);
  }
  return lines.length ? lines : null;
}

/** Item types are enums, not strings; compare both ways so either form works. */
function isItemType_(type, name) {
  return type === FormApp.ItemType[name] || String(type) === name;
}

/** Signs and posts the body. Returns the HTTP status code, or 'network_error' if fetch threw. */
function send_(config, payload) {
  var body = JSON.stringify(payload);
  // Signed at send time, so every attempt carries a fresh t (the backend allows 300 s of skew).
  var t = String(Math.floor(Date.now() / 1000));
  var signature = 't=' + t + ',v1=' + hmacSha256Hex_(t + '.' + body, config.secret);
  try {
    var res = UrlFetchApp.fetch(config.url, {
      method: 'post',
      contentType: 'application/json',
      payload: body,
      headers: { 'X-Signature': signature },
      muteHttpExceptions: true // A 4xx/5xx is an answer to handle, not an exception.
    });
    return res.getResponseCode();
  } catch (err) {
    // Timeouts, DNS or TLS failures. The message is not logged: only ids and statuses are.
    return 'network_error';
  }
}

/**
 * Lowercase hex HMAC-SHA256 over the UTF-8 bytes of message. Apps Script returns SIGNED bytes
 * (-128..127), so mask each one to 0..255 before printing it as two hex digits.
 */
function hmacSha256Hex_(message, secret) {
  var bytes = Utilities.computeHmacSha256Signature(message, secret, Utilities.Charset.UTF_8);
  var hex = '';
  for (var i = 0; i < bytes.length; i++) {
    var b = bytes[i] & 0xff;
    hex += (b < 16 ? '0' : '') + b.toString(16);
  }
  return hex;
}

function isSuccess_(status) {
  return typeof status === 'number' && status >= 200 && status < 300;
}

/** Failures that would hit every other response too, so a batch should stop and wait. */
function isSystemicFailure_(status) {
  return status === 'network_error' || status === 'config_missing' ||
    [401, 403, 404, 429, 502, 503, 504].indexOf(status) !== -1;
}

function describeStatus_(status) {
  var hints = {
    400: 'the backend could not read the body as JSON',
    401: 'signature refused: INTAKE_SECRET differs from the backend\'s, or the clock is off',
    404: 'the backend has no mapping for this FORM_ID yet',
    422: 'the backend found the response malformed',
    429: 'the backend is busy',
    503: 'the backend is unavailable'
  };
  if (status === 'network_error') return 'could not reach INTAKE_URL';
  return 'HTTP ' + status + (hints[status] ? ': ' + hints[status] : '');
}

/** A queued response's entry: ids and counters only, never answers or emails. */
function recordFailure_(responseId, status) {
  withScriptLock_(function () {
    var props = PropertiesService.getScriptProperties();
    var key = PENDING_PREFIX + responseId;
    var previous = parseEntry_(props.getProperty(key));
    var now = new Date().toISOString();
    props.setProperty(key, JSON.stringify({
      attempts: (previous ? previous.attempts : 0) + 1,
      last_status: status,
      first_failed_at: previous && previous.first_failed_at ? previous.first_failed_at : now,
      last_attempt_at: now
    }));
  });
}

function clearPending_(responseId) {
  var props = PropertiesService.getScriptProperties();
  if (props.getProperty(PENDING_PREFIX + responseId) === null) {
    return; // The usual case: nothing queued, so no need to take the lock.
  }
  removePending_(responseId);
}

function removePending_(responseId) {
  withScriptLock_(function () {
    PropertiesService.getScriptProperties().deleteProperty(PENDING_PREFIX + responseId);
  });
}

/** Queued responses, oldest failure first. */
function listPending_() {
  var all = PropertiesService.getScriptProperties().getProperties();
  var pending = [];
  for (var key in all) {
    if (Object.prototype.hasOwnProperty.call(all, key) && key.indexOf(PENDING_PREFIX) === 0) {
      pending.push({
        responseId: key.substring(PENDING_PREFIX.length),
        entry: parseEntry_(all[key]) || { attempts: 0, last_status: 'unknown', first_failed_at: '' }
      });
    }
  }
  pending.sort(function (a, b) {
    return String(a.entry.first_failed_at).localeCompare(String(b.entry.first_failed_at));
  });
  return pending;
}

function parseEntry_(value) {
  if (value === null || value === undefined) return null;
  try {
    return JSON.parse(value);
  } catch (err) {
    return null;
  }
}

/**
 * The response, or null when it is gone from the form. getResponseById throws for an unknown
 * id; a throw can also be a passing outage, so confirm against the full list before saying
 * "gone" (if that fails too the error propagates and the entry is kept).
 */
function findResponse_(form, responseId) {
  try {
    var response = form.getResponseById(responseId);
    if (response) return response;
  } catch (err) {
    // Fall through to the check below.
  }
  var responses = form.getResponses();
  for (var i = 0; i < responses.length; i++) {
    if (responses[i].getId() === responseId) return responses[i];
  }
  return null;
}

/**
 * Runs fn holding the script lock (read-modify-write of the queue). If the lock cannot be had,
 * fn still runs: a slightly wrong attempt count is better than losing a queued response.
 */
function withScriptLock_(fn) {
  var lock = LockService.getScriptLock();
  var locked = lock.tryLock(LOCK_TIMEOUT_MS);
  if (!locked) {
    Logger.log('Could not get the script lock within ' + LOCK_TIMEOUT_MS / 1000 + ' s; updating the queue anyway.');
  }
  try {
    return fn();
  } finally {
    if (locked) lock.releaseLock();
  }
}

function text_(value) {
  return value === null || value === undefined ? '' : String(value);
}

function isBlank_(text) {
  return text.replace(/\s+/g, '') === '';
}

function trimmed_(value) {
  return value === null || value === undefined ? '' : String(value).trim();
}
