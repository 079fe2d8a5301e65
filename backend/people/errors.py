"""Error codes of the people domain."""

import enum


class PeopleErrorCode(enum.Enum):
    INVALID = "INVALID"
    INVALID_PHONE = "INVALID_PHONE"
    WEAK_PASSWORD = "WEAK_PASSWORD"
    DUPLICATE_PHONE = "DUPLICATE_PHONE"
    NOT_FOUND = "NOT_FOUND"
    ORG_UNIT_NOT_FOUND = "ORG_UNIT_NOT_FOUND"
    DUPLICATE_MEMBERSHIP = "DUPLICATE_MEMBERSHIP"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS"
    INVALID_REFRESH_TOKEN = "INVALID_REFRESH_TOKEN"
    LAST_ADMIN = "LAST_ADMIN"
    RATE_LIMITED = "RATE_LIMITED"  # too many actions too fast (backend.core.limits)
    # 实名制 (backend.people.sms, backend.people.oidc)
    INVALID_SMS_CODE = "INVALID_SMS_CODE"  # wrong, expired, used, or too many wrong tries
    SMS_UNAVAILABLE = "SMS_UNAVAILABLE"  # the SMS gateway could not send
    ACCOUNT_DISABLED = "ACCOUNT_DISABLED"  # the account may no longer sign in
    OIDC_NOT_CONFIGURED = "OIDC_NOT_CONFIGURED"  # the county has no (enabled) provider
    OIDC_INVALID_STATE = "OIDC_INVALID_STATE"  # unknown, used or expired sign-in (state)
    OIDC_PROVIDER_ERROR = "OIDC_PROVIDER_ERROR"  # the provider refused or could not be reached
    OIDC_BAD_SIGNATURE = "OIDC_BAD_SIGNATURE"  # ID token not signed by the provider's keys
    OIDC_WRONG_AUDIENCE = "OIDC_WRONG_AUDIENCE"  # ID token issued for another client
    OIDC_WRONG_ISSUER = "OIDC_WRONG_ISSUER"  # ID token from another issuer
    OIDC_TOKEN_EXPIRED = "OIDC_TOKEN_EXPIRED"  # ID token expired
    OIDC_NONCE_MISMATCH = "OIDC_NONCE_MISMATCH"  # ID token not for this sign-in (replay)
    OIDC_INVALID_TOKEN = "OIDC_INVALID_TOKEN"  # ID token malformed or missing claims
