// What the error page shows: a sentence a person understands, the code and request id for support, and a way on.
import type { ClientView } from './client-view.js';

/** Codes that share a sentence with another: the page explains the situation, the code stays for support. */
const SAME_AS: Record<string, string> = {
  consent_required: 'login_required',
  interaction_required: 'login_required',
  account_selection_required: 'login_required',
  request_not_supported: 'invalid_request_object',
  request_uri_not_supported: 'invalid_request_object',
  invalid_request_uri: 'invalid_request_object',
  unsupported_response_mode: 'unsupported_response_type',
  invalid_client_metadata: 'invalid_client',
  invalid_token: 'invalid_grant',
};

export interface ErrorFacts {
  code: string;
  /** The technical description (4xx only), kept under "Details" for whoever debugs it. */
  description?: string;
  /** The error's class: oidc-provider's SessionNotFound means the interaction is gone, not that the app erred. */
  name?: string;
  requestId?: string;
}

export function errorView(facts: ErrorFacts, client?: ClientView) {
  const sentence = facts.name === 'SessionNotFound' ? 'session_expired' : (SAME_AS[facts.code] ?? facts.code);
  return {
    error: facts.code,
    messageKey: sentence,
    description: facts.description,
    requestId: facts.requestId,
    client,
  };
}
