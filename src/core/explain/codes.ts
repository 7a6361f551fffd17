/**
 * The knowledge base behind `fbpay explain`: what a code means, its likely cause here, and the fix.
 * Sources: Facebook "Games Payments Error Codes" (front-end 1383xxx), the Graph API error reference,
 * the PayPal webhook verification rules (DESIGN.md) and Tencent Midas delivery-callback replies.
 * The Graph client also takes its error hints from this table, so there is one place to fix a hint.
 */
export type ExplainFamily = 'pay-dialog' | 'graph' | 'paypal' | 'midas';

export interface ExplainEntry {
  /** "1383001", "190", "paypal:crc-mismatch", "midas:4" */
  code: string;
  family: ExplainFamily;
  /** Facebook's or the provider's name for it. */
  name: string;
  meaning: string;
  cause: string;
  fix: string;
}

const pd = (code: number, name: string, meaning: string, cause: string, fix: string): ExplainEntry => ({ code: String(code), family: 'pay-dialog', name, meaning, cause, fix });
const gr = (code: number, name: string, meaning: string, cause: string, fix: string): ExplainEntry => ({ code: String(code), family: 'graph', name, meaning, cause, fix });

const APP_CALLBACK = 'Facebook called your payments callback / product URL and did not like the answer';

export const EXPLAIN_ENTRIES: readonly ExplainEntry[] = [
  // Pay Dialog (FB.ui({method: 'pay'}) / Payments Lite purchase) client codes.
  pd(
    1383001,
    'Unknown',
    'Pay Dialog error "Unknown" — documented as a Facebook system issue, but in practice mostly seen when a purchase cannot start.',
    'Most often with Payments Lite: the user already owns an unconsumed purchase of this (consumable) product, so a second purchase of it fails. The first purchase works, every later one fails.',
    'Consume each purchase after you deliver it: POST /{purchase_token}/consume with the buyer\'s USER access token (an APP_ID|APP_SECRET app token fails with Graph error 100). `fbpay purchases --access-token "$USER_TOKEN"` lists what is still unconsumed; `fbpay consume "$PURCHASE_TOKEN" --access-token "$USER_TOKEN"` fixes one. In the game client: FB.getLoginStatus(r => r.authResponse.accessToken) gives the user token.',
  ),
  pd(1383004, 'InvalidOperation', 'The developer attempted an operation Facebook does not allow.', 'A Pay Dialog call with parameters that make no sense for this app or product (wrong action, product type not allowed).', 'Compare the FB.ui({method: "pay", …}) call with the Pay Dialog reference; check product type and action.'),
  pd(1383005, 'PermissionDenied', 'This app may not be eligible to complete this action.', 'The app is not approved for payments, or the user/country is not allowed to pay.', 'Check the app\'s Payments settings (company registration, payments enabled) and test with a payments tester account.'),
  pd(1383006, 'DatabaseError', 'Facebook system issue.', 'A transient failure on Facebook\'s side.', 'Retry later; if it persists, report it with the request time.'),
  pd(1383007, 'InvalidApp', 'The app is not enabled for payments.', 'Payments is not set up for this app (or in test mode the user is not a tester).', 'Finish the Payments setup in the App Dashboard; add the user as a payments tester while testing.'),
  pd(1383008, 'AppNoResponse', 'Your app did not respond; perhaps a server timeout.', `${APP_CALLBACK}: it timed out.`, 'Make the callback/product URL answer fast (well under the timeout) from the public internet; replay it locally with `fbpay webhook replay` to measure.'),
  pd(1383009, 'AppErrorResponse', 'Your app responded to Facebook with an error.', `${APP_CALLBACK}: it returned an error status.`, 'Check your server logs for the callback request; verify the signed_request with `fbpay decode`.'),
  pd(1383010, 'UserCanceled', 'The user cancelled out of the payment flow.', 'The buyer closed the Pay Dialog. Nothing was charged.', 'Not an error to fix: treat it as a cancelled order and do not deliver anything.'),
  pd(1383043, 'AppInfoFetchFailure', 'Facebook could not retrieve your app\'s info.', 'A Facebook-side problem fetching the app configuration.', 'Retry later; check the app is live and not restricted.'),
  pd(1383044, 'InvalidAppInfo', 'The app needs a valid callback URL.', 'The payments callback URL in the App Dashboard is missing or invalid.', 'Set a reachable https payments callback URL in the App Dashboard (Payments settings).'),
  pd(1383045, 'AppInvalidEncodedResponse', 'The app did not return a valid JSON-encoded response.', `${APP_CALLBACK}: the body was not JSON (HTML error page, PHP warning, BOM, debug output).`, 'Return exactly one JSON document with Content-Type application/json; remove any output before it. `fbpay webhook replay fb-credits-get-items --to http://127.0.0.1:3000/credits/callback` shows what your endpoint returns.'),
  pd(1383046, 'AppInvalidDecodedResponse', 'The app\'s reply was invalid after json_decode().', `${APP_CALLBACK}: valid JSON, wrong shape.`, 'Match the documented callback response format (method, content); validate it with `fbpay webhook replay` of a Credits fixture.'),
  pd(1383047, 'AppInvalidMethodResponse', 'The app\'s response has a "method" that does not match the request.', 'The callback echoed a different method (e.g. payments_get_items vs payments_status_update).', 'Echo the "method" from the request in your response.'),
  pd(1383048, 'AppMissingContentResponse', 'The app\'s response has no "content" field.', 'The callback reply lacks the "content" object.', 'Return {"method": …, "content": {…}} as documented.'),
  pd(1383049, 'AppUnknownResponseError', 'The app returned an unknown response.', `${APP_CALLBACK}: an answer Facebook cannot classify.`, 'Log the exact reply your callback sends and compare it with the documented format.'),
  pd(1383050, 'AppUserValidationFailedResponse', 'Facebook failed to verify the user when calling your app.', 'The user in the callback could not be validated (signed_request/user mismatch).', 'Verify the signed_request with your app secret (`fbpay decode`) and check the user id handling.'),
  pd(1383051, 'AppInvalidItemParam', 'The app sent invalid item parameters (for example price or quantity).', 'Product price/quantity in your product object or callback is invalid (negative, zero, non-numeric, too many decimals).', 'Fix the product\'s price and quantity fields; scrape the product URL again after changing it.'),
  pd(1383052, 'AppItemUnavailable', 'The item is not available (1383052 is not in Facebook\'s current table; reported by apps whose product could not be offered).', 'The product cannot be sold right now (removed, not approved, region).', 'Check the product exists and is purchasable; try another product to isolate it.'),
  pd(1383053, 'FbobjFailure', 'Facebook failed to update or get an object used for payments.', 'A Facebook-side failure, sometimes triggered by a product URL Facebook cannot scrape.', 'Retry; re-scrape the product URL (Sharing Debugger); if it persists, report it.'),
  pd(1383068, 'RateLimitExceeded', 'Too many payment attempts; Facebook throttled the payment for capacity reasons.', 'Many payments started in a short time (load tests, a loop that reopens the dialog).', 'Back off and retry later; never reopen the Pay Dialog automatically in a loop.'),
  pd(1383104, 'InvalidPricepointId', 'The pricepoint id you passed is no longer valid.', 'A cached mobile pricepoint id went stale.', 'Fetch current pricepoints from the Graph API and use a fresh id.'),
  pd(1383146, 'ProductScrapeFailure', 'The product could not be used for the payment (Facebook could not read a valid product object from the product URL).', 'The product URL is unreachable from Facebook, or its og: tags (og:type, product:price) are missing or malformed. (Meaning inferred from reports; Facebook\'s table text for this code varies.)', 'Open the product URL in the Sharing Debugger, fix the og: tags, and scrape it again.'),

  // Graph API error codes.
  gr(1, 'API Unknown', 'An unknown error occurred.', 'A transient Graph failure (or a request Graph could not process).', 'Retry with backoff; if it repeats, check the request parameters and the Facebook platform status.'),
  gr(2, 'API Service', 'Service temporarily unavailable.', 'Graph is having trouble.', 'Retry with backoff (fbpay retries 5xx automatically).'),
  gr(4, 'API Too Many Calls', 'Application request limit reached (app-level rate limit).', 'Your app made too many calls in the rolling window.', 'Slow down and spread calls out; fbpay retries with backoff (and Retry-After). Check the X-App-Usage header.'),
  gr(10, 'API Permission Denied', 'Permission denied: the app or token may not do this.', 'A permission is missing, or the feature is not enabled for the app.', 'Check the app\'s permissions and features; use the token type the endpoint requires.'),
  gr(17, 'API User Too Many Calls', 'User request limit reached.', 'Too many calls with one user token in a short time.', 'Back off; fbpay retries with backoff. Cache what you fetch.'),
  gr(32, 'Page Request Limit', 'Page-level request limit reached.', 'Too many calls on behalf of a Page.', 'Back off and retry later; fbpay retries with backoff.'),
  gr(100, 'Invalid Parameter', 'A parameter is invalid: often a wrong object id, or the wrong kind of access token for this endpoint.', 'The id does not exist or is not visible to this token; or the token type is wrong: POST /{purchase_token}/consume and GET /app/purchases need the buyer\'s USER token, GET /{payment-id}, refunds and disputes need the APP token (APP_ID|APP_SECRET); or a bad appsecret_proof / refund amount.', 'Check the id and the token type. For consume use the buyer\'s user token from FB.getLoginStatus (r.authResponse.accessToken); for payments use APP_ID|APP_SECRET.'),
  gr(102, 'API Session', 'The user\'s session is invalid: login status or access token expired, revoked or invalid.', 'The user logged out, changed password, or the token expired.', 'Get a fresh user token: FB.getLoginStatus / FB.login in the client, then retry.'),
  gr(104, 'Access Token Required', 'An access token is required to request this resource.', 'No token was sent.', 'Pass --access-token (FB_ACCESS_TOKEN), or --app-id and --secret for an app token.'),
  gr(190, 'Access token expired or invalid', 'The access token has expired, been revoked, or is invalid (OAuthException).', 'An expired user token, a token from another app, a mistyped app token, or a token for a different Graph (emulator vs real).', 'Get a new token: for the app token use APP_ID|APP_SECRET of the same app; for a user token call FB.getLoginStatus in the client. Check it in the Access Token Debugger.'),
  gr(200, 'Permissions error', 'The token lacks a permission this call needs (200–299).', 'The user did not grant the permission, or the app token cannot do this.', 'Request the permission at login or use the token type the endpoint documents.'),
  gr(368, 'Temporarily blocked', 'Temporarily blocked for policy violations.', 'Facebook\'s integrity systems blocked the action.', 'Wait, review the platform policies and the app\'s alerts in the App Dashboard.'),
  gr(613, 'Rate limit', 'Calls to this API have exceeded the rate limit.', 'A custom per-endpoint limit was hit.', 'Back off and retry later; fbpay retries with backoff.'),

  // PayPal webhook verification failures (fbpay paypal verify).
  { code: 'paypal:crc-mismatch', family: 'paypal', name: 'CRC32 of the body differs', meaning: 'The crc32 of the body you verified is not the one PayPal signed.', cause: 'The body was re-serialized (JSON.parse + JSON.stringify, pretty-printing, charset change) before verification, or a proxy altered it.', fix: 'Verify the raw request bytes exactly as received (express.raw(), not express.json()); the signed string is transmission_id|transmission_time|webhook_id|crc32 as unsigned decimal.' },
  { code: 'paypal:signature-mismatch', family: 'paypal', name: 'RSA signature does not verify', meaning: 'PAYPAL-TRANSMISSION-SIG is not a valid SHA256withRSA signature of the expected string with the certificate.', cause: 'Wrong webhook id (each webhook has its own), a body that changed, or headers from another delivery.', fix: 'Use the webhook id of the webhook that received it (`fbpay paypal expected` prints the signed string to compare).' },
  { code: 'paypal:simulator-webhook-id', family: 'paypal', name: 'Simulator event', meaning: 'Events from PayPal\'s webhook simulator are signed with the literal webhook id "WEBHOOK_ID".', cause: 'You verified a simulator delivery with your real webhook id (and simulator events lack fields such as billing_agreement_id).', fix: 'Verify simulator events with --webhook-id WEBHOOK_ID; test real flows in the sandbox for real ids.' },
  { code: 'paypal:cert-host', family: 'paypal', name: 'Certificate URL host not allowed', meaning: 'PAYPAL-CERT-URL does not point to a PayPal host, so the certificate must not be fetched or trusted.', cause: 'A forged delivery, or a test that set a local cert URL.', fix: 'Only fetch certificates from PayPal\u2019s hosts (api.paypal.com, api.sandbox.paypal.com, api-m.paypal.com, api-m.sandbox.paypal.com) over https; for local test certificates use --cert, or --allow-cert-host 127.0.0.1 with --ca <the emulator\u2019s ca.pem>.' },
  { code: 'paypal:cert-expired', family: 'paypal', name: 'Certificate expired or not yet valid', meaning: 'The signing certificate is outside its validity dates.', cause: 'An old recorded delivery (the 2024 leaf expired 2025-03-07) or a wrong clock.', fix: 'Check the clock; for historical deliveries pass --now <time of delivery>.' },
  { code: 'paypal:cert-chain', family: 'paypal', name: 'Certificate chain not trusted', meaning: 'The certificate does not chain to the PayPal CA.', cause: 'A self-signed or foreign certificate.', fix: 'A certificate that does not chain to the PayPal CA fbpay ships is not PayPal\u2019s: refuse the delivery. In tests only, pass your test CA with --ca (the verdict then says it was trusted because you passed --ca); `fbpay paypal keygen` certificates are self-signed and verify only with --cert.' },
  { code: 'paypal:transmission-time', family: 'paypal', name: 'Stale transmission time', meaning: 'PAYPAL-TRANSMISSION-TIME is too far from now.', cause: 'A replayed old delivery, or clock skew.', fix: 'Fix the clock; accept only recent deliveries, or pin --now when replaying recordings.' },

  // Tencent Midas delivery-callback replies ({"ret":N,"msg":"…"}).
  { code: 'midas:0', family: 'midas', name: '成功 (success)', meaning: 'The game server accepted and delivered the order.', cause: 'Everything worked.', fix: 'Reply exactly {"ret":0,"msg":"OK"} within 2 seconds; anything else makes Midas retry.' },
  { code: 'midas:1', family: 'midas', name: '系统繁忙 (system busy)', meaning: 'The game server could not process the callback now.', cause: 'A temporary failure in your delivery code (database, lock).', fix: 'Midas retries; make delivery idempotent by billno so a retry does not deliver twice.' },
  { code: 'midas:2', family: 'midas', name: 'token已过期 (token expired)', meaning: 'The purchase token in the callback has expired.', cause: 'The order was delivered too late after buy_goods.', fix: 'Deliver promptly; request a new order.' },
  { code: 'midas:3', family: 'midas', name: 'token不存在 (token does not exist)', meaning: 'The token in the callback is unknown to your server.', cause: 'The order was created elsewhere, or your server did not store the token.', fix: 'Store the token returned by buy_goods and look it up in the callback.' },
  { code: 'midas:4', family: 'midas', name: '请求参数错误 (bad request parameter)', meaning: 'A callback parameter is wrong, most often the sig.', cause: 'The callback signature was computed with the plain OpenAPI v3 rule: callback values must first be encoded (everything except 0-9 a-z A-Z ! * ( ) becomes %XX, uppercase); the key is appkey + "&".', fix: 'Sign callbacks with the callback encoding rule; `fbpay midas verify --path /your/callback/path --query "$RAW_QUERY" --appkey "$MIDAS_APPKEY"` tries both rules, says which one matches and prints the source strings to diff.' },
];
