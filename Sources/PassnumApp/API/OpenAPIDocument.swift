/// The partner API's OpenAPI 3 document, served at /api/v1/openapi.json. Kept true by tests: every route of
/// `ApiController.routes` must be in it, and the CI fuzzing (schemathesis) checks every response against it.
enum OpenAPIDocument {
    static let json = #"""
{
 "openapi": "3.0.3",
 "info": {
  "title": "passnum partner API",
  "version": "1.0.0",
  "description": "The Pass numérique platform's API for places' booking software, prescribers' case-management tools and funders' reporting tools.\n\nAuthentication: an API key created by the organisation's manager in the web interface (Clés API), sent as `Authorization: Bearer pn_…`. Each key has scopes: `validate` (places), `read_stock` and `hand_out` (prescribers), `read_statistics` (funders).\n\nAmounts are integer euro cents. Times are ISO 8601 UTC; days are `YYYY-MM-DD`.\n\nErrors are `application/problem+json` (RFC 9457). `type` is `/api/v1/problems/{code}`, stable for each reason:\n\n- `unauthorized`: 401: no key, an unknown key or a revoked key.\n- `forbidden`: 403: the key lacks the operation's scope.\n- `not-found`: 404: no such record in the key's organisation, or no such path.\n- `invalid-request`: 400 or 422: the body, a parameter or a field is not acceptable; `detail` says which.\n- `idempotency-key-required`: 400: POST /validations needs an Idempotency-Key header.\n- `idempotency-key-reused`: 422: this Idempotency-Key was already used with a different body.\n- `validation-refused`: 422: nothing was validated; `checks` gives each check's reason.\n- `bad-check-digit`: 422: the serial number has a typo.\n- `malformed-serial`: 422: a serial number has 12 digits.\n- `unknown-check`: 404: no check has this serial number and security code.\n- `rate-limited`: 429: too many requests for this key or this client address; wait `Retry-After` seconds.\n- `not-redeemed-here`: 409: the check is not currently validated by this place.\n- `not-today`: 409: a validation can only be undone on the day it was made.\n- `already-paid`: 409: the check is already in a payout.\n- `conflict`: 409: not possible in the record's current state.\n- `quota-exceeded`: 409: the prescriber's quota would be exceeded.\n- `insufficient-stock`: 409: not enough checks left in the booklet.\n- `programme-closed`: 409: the programme is closed for this (hand-outs stop 15 days before its end).\n- `beneficiary-limit`: 409: the beneficiary would exceed the programme's maximum number of checks.\n- `payload-too-large`: 413: the body is larger than 64 KB.\n- `internal-error`: 500: an internal error (a bug: please report it).\n\nRate limits: check status and validation count per key and per client address (default 60 and 120 requests a minute); the place search counts per client address, with the web site's place finder (default 120 requests a minute). Beyond, 429 with `Retry-After`. They hold across all app servers."
 },
 "servers": [
  {
   "url": "/"
  }
 ],
 "tags": [
  {
   "name": "public",
   "description": "No key."
  },
  {
   "name": "place",
   "description": "Place keys (scope `validate`)."
  },
  {
   "name": "prescriber",
   "description": "Prescriber keys (scopes `read_stock`, `hand_out`)."
  },
  {
   "name": "funder",
   "description": "Funder keys (scope `read_statistics`)."
  }
 ],
 "paths": {
  "/api/v1/openapi.json": {
   "get": {
    "operationId": "openapi",
    "tags": [
     "public"
    ],
    "summary": "This document.",
    "security": [],
    "responses": {
     "200": {
      "description": "The OpenAPI 3 document.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     }
    }
   }
  },
  "/api/v1/places": {
   "get": {
    "operationId": "searchPlaces",
    "tags": [
     "public"
    ],
    "summary": "Qualified places that accept the checks.",
    "security": [],
    "parameters": [
     {
      "name": "commune",
      "in": "query",
      "required": false,
      "description": "Postcode (or its start), INSEE code or commune name.",
      "schema": {
       "type": "string",
       "maxLength": 100
      }
     },
     {
      "name": "departement",
      "in": "query",
      "required": false,
      "description": "Département code, e.g. 33 or 2A.",
      "schema": {
       "type": "string",
       "maxLength": 3
      }
     },
     {
      "name": "category",
      "in": "query",
      "required": false,
      "description": "Service category code.",
      "schema": {
       "type": "string",
       "enum": [
        "demarches",
        "outils",
        "emploi",
        "securite",
        "parentalite",
        "loisirs",
        "comprendre",
        "acces",
        "materiel"
       ]
      }
     }
    ],
    "responses": {
     "200": {
      "description": "Matching places, at most 200.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "additionalProperties": false,
         "required": [
          "places"
         ],
         "properties": {
          "places": {
           "type": "array",
           "items": {
            "$ref": "#/components/schemas/Place"
           }
          }
         }
        }
       }
      }
     },
     "422": {
      "description": "Unacceptable input (see the problem types).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "429": {
      "description": "Rate limited (`rate-limited`).",
      "headers": {
       "Retry-After": {
        "description": "Seconds to wait.",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    }
   }
  },
  "/api/v1/check-status": {
   "post": {
    "operationId": "checkStatus",
    "tags": [
     "place"
    ],
    "summary": "A check's status from its serial and security code (any key).",
    "description": "The code is sent in the body so that it stays out of URLs and logs. A wrong code and an unknown serial get the same answer.",
    "security": [
     {
      "apiKey": []
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/CheckIn"
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "The check.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/CheckStatus"
        }
       }
      }
     },
     "400": {
      "description": "Malformed request (`invalid-request`, `idempotency-key-required`).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "401": {
      "description": "Missing, unknown or revoked key (`unauthorized`).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "404": {
      "description": "Not found (`not-found`, `unknown-check`).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "413": {
      "description": "Body too large (`payload-too-large`).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "422": {
      "description": "Unacceptable input (see the problem types).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "429": {
      "description": "Rate limited (`rate-limited`).",
      "headers": {
       "Retry-After": {
        "description": "Seconds to wait.",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    }
   }
  },
  "/api/v1/validations": {
   "post": {
    "operationId": "validate",
    "tags": [
     "place"
    ],
    "summary": "Validate 1 to 5 checks for a service, all or nothing.",
    "description": "The same Idempotency-Key with the same body gets the same response and never validates twice; with another body, 422 `idempotency-key-reused`.",
    "security": [
     {
      "apiKey": []
     }
    ],
    "parameters": [
     {
      "name": "Idempotency-Key",
      "in": "header",
      "required": true,
      "description": "Chosen by the client, unique per intended validation.",
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 200
      }
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/ValidationIn"
       }
      }
     }
    },
    "responses": {
     "201": {
      "description": "Every check was validated.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ValidationAccepted"
        }
       }
      }
     },
     "400": {
      "description": "Malformed request (`invalid-request`, `idempotency-key-required`).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "401": {
      "description": "Missing, unknown or revoked key (`unauthorized`).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "403": {
      "description": "The key lacks this operation's scope (`forbidden`).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "404": {
      "description": "Not found (`not-found`, `unknown-check`).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "409": {
      "description": "Not possible in the current state (see the problem types).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "413": {
      "description": "Body too large (`payload-too-large`).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "422": {
      "description": "Unacceptable input (see the problem types).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "429": {
      "description": "Rate limited (`rate-limited`).",
      "headers": {
       "Retry-After": {
        "description": "Seconds to wait.",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    }
   },
   "get": {
    "operationId": "listValidations",
    "tags": [
     "place"
    ],
    "summary": "This place's validations, newest first.",
    "security": [
     {
      "apiKey": []
     }
    ],
    "parameters": [
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "description": "Page size, 1 to 100 (default 50).",
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 100
      }
     },
     {
      "name": "cursor",
      "in": "query",
      "required": false,
      "description": "`next_cursor` of the previous page.",
      "schema": {
       "type": "string",
       "maxLength": 30
      }
     }
    ],
    "responses": {
     "200": {
      "description": "A page of validations.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "additionalProperties": false,
         "required": [
          "items"
         ],
         "properties": {
          "items": {
           "type": "array",
           "items": {
            "$ref": "#/components/schemas/ValidationRecord"
           }
          },
          "next_cursor": {
           "type": "string",
           "description": "Absent on the last page."
          }
         }
        }
       }
      }
     },
     "401": {
      "description": "Missing, unknown or revoked key (`unauthorized`).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "403": {
      "description": "The key lacks this operation's scope (`forbidden`).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "422": {
      "description": "Unacceptable input (see the problem types).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "429": {
      "description": "Rate limited (`rate-limited`).",
      "headers": {
       "Retry-After": {
        "description": "Seconds to wait.",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    }
   }
  },
  "/api/v1/validations/{serial}/undo": {
   "post": {
    "operationId": "undoValidation",
    "tags": [
     "place"
    ],
    "summary": "Undo today's validation of a check, before any payout.",
    "security": [
     {
      "apiKey": []
     }
    ],
    "parameters": [
     {
      "name": "serial",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "maxLength": 40
      }
     }
    ],
    "responses": {
     "200": {
      "description": "The check is back in its holder's hands.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "additionalProperties": false,
         "required": [
          "serial",
          "state"
         ],
         "properties": {
          "serial": {
           "type": "string"
          },
          "state": {
           "type": "string",
           "enum": [
            "issued",
            "allocated",
            "distributed",
            "redeemed",
            "paid",
            "voided",
            "expired",
            "refunded"
           ]
          }
         }
        }
       }
      }
     },
     "401": {
      "description": "Missing, unknown or revoked key (`unauthorized`).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "403": {
      "description": "The key lacks this operation's scope (`forbidden`).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "404": {
      "description": "Not found (`not-found`, `unknown-check`).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "409": {
      "description": "Not possible in the current state (see the problem types).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "422": {
      "description": "Unacceptable input (see the problem types).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "429": {
      "description": "Rate limited (`rate-limited`).",
      "headers": {
       "Retry-After": {
        "description": "Seconds to wait.",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    }
   }
  },
  "/api/v1/payouts": {
   "get": {
    "operationId": "listPayouts",
    "tags": [
     "place"
    ],
    "summary": "This place's monthly payouts.",
    "security": [
     {
      "apiKey": []
     }
    ],
    "responses": {
     "200": {
      "description": "Payouts, newest first.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "additionalProperties": false,
         "required": [
          "payouts"
         ],
         "properties": {
          "payouts": {
           "type": "array",
           "items": {
            "$ref": "#/components/schemas/Payout"
           }
          }
         }
        }
       }
      }
     },
     "401": {
      "description": "Missing, unknown or revoked key (`unauthorized`).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "403": {
      "description": "The key lacks this operation's scope (`forbidden`).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "429": {
      "description": "Rate limited (`rate-limited`).",
      "headers": {
       "Retry-After": {
        "description": "Seconds to wait.",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    }
   }
  },
  "/api/v1/stock": {
   "get": {
    "operationId": "readStock",
    "tags": [
     "prescriber"
    ],
    "summary": "The booklets in this prescriber's stock.",
    "security": [
     {
      "apiKey": []
     }
    ],
    "responses": {
     "200": {
      "description": "Booklets.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "additionalProperties": false,
         "required": [
          "booklets"
         ],
         "properties": {
          "booklets": {
           "type": "array",
           "items": {
            "$ref": "#/components/schemas/Booklet"
           }
          }
         }
        }
       }
      }
     },
     "401": {
      "description": "Missing, unknown or revoked key (`unauthorized`).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "403": {
      "description": "The key lacks this operation's scope (`forbidden`).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "429": {
      "description": "Rate limited (`rate-limited`).",
      "headers": {
       "Retry-After": {
        "description": "Seconds to wait.",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    }
   }
  },
  "/api/v1/hand-outs": {
   "post": {
    "operationId": "handOut",
    "tags": [
     "prescriber"
    ],
    "summary": "Hand a booklet, or its first checks still in stock, to a beneficiary.",
    "security": [
     {
      "apiKey": []
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/HandOutIn"
       }
      }
     }
    },
    "responses": {
     "201": {
      "description": "The serial numbers handed out.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "additionalProperties": false,
         "required": [
          "serials"
         ],
         "properties": {
          "serials": {
           "type": "array",
           "items": {
            "type": "string"
           }
          }
         }
        }
       }
      }
     },
     "400": {
      "description": "Malformed request (`invalid-request`, `idempotency-key-required`).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "401": {
      "description": "Missing, unknown or revoked key (`unauthorized`).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "403": {
      "description": "The key lacks this operation's scope (`forbidden`).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "404": {
      "description": "Not found (`not-found`, `unknown-check`).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "409": {
      "description": "Not possible in the current state (see the problem types).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "413": {
      "description": "Body too large (`payload-too-large`).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "422": {
      "description": "Unacceptable input (see the problem types).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "429": {
      "description": "Rate limited (`rate-limited`).",
      "headers": {
       "Retry-After": {
        "description": "Seconds to wait.",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    }
   }
  },
  "/api/v1/statistics": {
   "get": {
    "operationId": "statistics",
    "tags": [
     "funder"
    ],
    "summary": "Each programme's checks by state and their value.",
    "security": [
     {
      "apiKey": []
     }
    ],
    "responses": {
     "200": {
      "description": "Programmes.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "additionalProperties": false,
         "required": [
          "programmes"
         ],
         "properties": {
          "programmes": {
           "type": "array",
           "items": {
            "$ref": "#/components/schemas/ProgrammeStatistics"
           }
          }
         }
        }
       }
      }
     },
     "401": {
      "description": "Missing, unknown or revoked key (`unauthorized`).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "403": {
      "description": "The key lacks this operation's scope (`forbidden`).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "429": {
      "description": "Rate limited (`rate-limited`).",
      "headers": {
       "Retry-After": {
        "description": "Seconds to wait.",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    }
   }
  },
  "/api/v1/check-states": {
   "get": {
    "operationId": "exportCheckStates",
    "tags": [
     "funder"
    ],
    "summary": "Every check of this funder and its state, in serial order (no personal data).",
    "security": [
     {
      "apiKey": []
     }
    ],
    "parameters": [
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "description": "Page size, 1 to 100 (default 50).",
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 100
      }
     },
     {
      "name": "cursor",
      "in": "query",
      "required": false,
      "description": "`next_cursor` of the previous page.",
      "schema": {
       "type": "string",
       "maxLength": 30
      }
     }
    ],
    "responses": {
     "200": {
      "description": "A page of checks.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "additionalProperties": false,
         "required": [
          "items"
         ],
         "properties": {
          "items": {
           "type": "array",
           "items": {
            "$ref": "#/components/schemas/CheckState"
           }
          },
          "next_cursor": {
           "type": "string",
           "description": "Absent on the last page."
          }
         }
        }
       }
      }
     },
     "401": {
      "description": "Missing, unknown or revoked key (`unauthorized`).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "403": {
      "description": "The key lacks this operation's scope (`forbidden`).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "422": {
      "description": "Unacceptable input (see the problem types).",
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     },
     "429": {
      "description": "Rate limited (`rate-limited`).",
      "headers": {
       "Retry-After": {
        "description": "Seconds to wait.",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      }
     }
    }
   }
  }
 },
 "components": {
  "securitySchemes": {
   "apiKey": {
    "type": "http",
    "scheme": "bearer",
    "description": "An API key, pn_…"
   }
  },
  "schemas": {
   "Problem": {
    "type": "object",
    "required": [
     "type",
     "title",
     "status"
    ],
    "description": "RFC 9457 problem details.",
    "properties": {
     "type": {
      "type": "string",
      "enum": [
       "/api/v1/problems/unauthorized",
       "/api/v1/problems/forbidden",
       "/api/v1/problems/not-found",
       "/api/v1/problems/invalid-request",
       "/api/v1/problems/idempotency-key-required",
       "/api/v1/problems/idempotency-key-reused",
       "/api/v1/problems/validation-refused",
       "/api/v1/problems/bad-check-digit",
       "/api/v1/problems/malformed-serial",
       "/api/v1/problems/unknown-check",
       "/api/v1/problems/rate-limited",
       "/api/v1/problems/not-redeemed-here",
       "/api/v1/problems/not-today",
       "/api/v1/problems/already-paid",
       "/api/v1/problems/conflict",
       "/api/v1/problems/quota-exceeded",
       "/api/v1/problems/insufficient-stock",
       "/api/v1/problems/programme-closed",
       "/api/v1/problems/beneficiary-limit",
       "/api/v1/problems/payload-too-large",
       "/api/v1/problems/internal-error"
      ]
     },
     "title": {
      "type": "string"
     },
     "status": {
      "type": "integer",
      "minimum": 400,
      "maximum": 599
     },
     "detail": {
      "type": "string"
     },
     "checks": {
      "type": "array",
      "description": "For `validation-refused`: each check and why.",
      "items": {
       "type": "object",
       "additionalProperties": false,
       "required": [
        "serial",
        "reason"
       ],
       "properties": {
        "serial": {
         "type": "string"
        },
        "reason": {
         "type": "string",
         "enum": [
          "unknown_serial",
          "bad_check_digit",
          "wrong_code",
          "not_distributed",
          "already_redeemed",
          "voided",
          "expired",
          "before_validity",
          "outside_perimeter",
          "place_not_qualified",
          "place_suspended",
          "place_not_affiliated",
          "category_not_allowed",
          "duplicate_in_request",
          "not_refused"
         ]
        }
       }
      }
     }
    }
   },
   "CheckIn": {
    "type": "object",
    "additionalProperties": false,
    "required": [
     "serial",
     "code"
    ],
    "properties": {
     "serial": {
      "type": "string",
      "maxLength": 40,
      "description": "12 digits; spaces and dashes are ignored."
     },
     "code": {
      "type": "string",
      "maxLength": 40,
      "description": "13 Crockford base32 characters; spaces and dashes are ignored."
     }
    }
   },
   "CheckStatus": {
    "type": "object",
    "additionalProperties": false,
    "required": [
     "serial",
     "state",
     "face_value_cents",
     "funder",
     "programme",
     "last_day"
    ],
    "properties": {
     "serial": {
      "type": "string",
      "pattern": "^[0-9]{12}$"
     },
     "state": {
      "type": "string",
      "enum": [
       "issued",
       "allocated",
       "distributed",
       "redeemed",
       "paid",
       "voided",
       "expired",
       "refunded"
      ]
     },
     "face_value_cents": {
      "type": "integer"
     },
     "funder": {
      "type": "string"
     },
     "programme": {
      "type": "string"
     },
     "last_day": {
      "type": "string",
      "format": "date",
      "description": "The last day a place may validate it."
     }
    }
   },
   "ValidationIn": {
    "type": "object",
    "additionalProperties": false,
    "required": [
     "checks",
     "category"
    ],
    "properties": {
     "checks": {
      "type": "array",
      "minItems": 1,
      "maxItems": 5,
      "items": {
       "$ref": "#/components/schemas/CheckIn"
      }
     },
     "category": {
      "type": "string",
      "enum": [
       "demarches",
       "outils",
       "emploi",
       "securite",
       "parentalite",
       "loisirs",
       "comprendre",
       "acces",
       "materiel"
      ],
      "description": "The service category paid for."
     },
     "service_id": {
      "type": "integer",
      "nullable": true,
      "description": "A service of the place's catalogue, of that category."
     }
    }
   },
   "ValidationAccepted": {
    "type": "object",
    "additionalProperties": false,
    "required": [
     "accepted",
     "total_cents",
     "checks"
    ],
    "properties": {
     "accepted": {
      "type": "boolean",
      "enum": [
       true
      ]
     },
     "total_cents": {
      "type": "integer"
     },
     "checks": {
      "type": "array",
      "items": {
       "type": "object",
       "additionalProperties": false,
       "required": [
        "serial",
        "amount_cents"
       ],
       "properties": {
        "serial": {
         "type": "string"
        },
        "amount_cents": {
         "type": "integer"
        }
       }
      }
     }
    }
   },
   "ValidationRecord": {
    "type": "object",
    "additionalProperties": false,
    "required": [
     "serial",
     "validated_at",
     "amount_cents",
     "cancelled",
     "check_state"
    ],
    "properties": {
     "serial": {
      "type": "string"
     },
     "validated_at": {
      "type": "string",
      "format": "date-time"
     },
     "category": {
      "type": "string",
      "enum": [
       "demarches",
       "outils",
       "emploi",
       "securite",
       "parentalite",
       "loisirs",
       "comprendre",
       "acces",
       "materiel"
      ]
     },
     "amount_cents": {
      "type": "integer"
     },
     "cancelled": {
      "type": "boolean",
      "description": "Undone the same day or reversed by the operator."
     },
     "check_state": {
      "type": "string",
      "enum": [
       "issued",
       "allocated",
       "distributed",
       "redeemed",
       "paid",
       "voided",
       "expired",
       "refunded"
      ]
     }
    }
   },
   "Payout": {
    "type": "object",
    "additionalProperties": false,
    "required": [
     "id",
     "month",
     "checks",
     "amount_cents",
     "state",
     "prepared_at"
    ],
    "properties": {
     "id": {
      "type": "integer"
     },
     "month": {
      "type": "string",
      "pattern": "^[0-9]{4}-[0-9]{2}$"
     },
     "checks": {
      "type": "integer"
     },
     "amount_cents": {
      "type": "integer",
      "description": "Transferred: the checks' value less any deduction."
     },
     "state": {
      "type": "string",
      "enum": [
       "prepared",
       "exported",
       "settled"
      ]
     },
     "prepared_at": {
      "type": "string",
      "format": "date-time"
     }
    }
   },
   "Booklet": {
    "type": "object",
    "additionalProperties": false,
    "required": [
     "id",
     "programme",
     "available_checks",
     "total_checks"
    ],
    "properties": {
     "id": {
      "type": "integer"
     },
     "programme": {
      "type": "string"
     },
     "available_checks": {
      "type": "integer"
     },
     "total_checks": {
      "type": "integer"
     }
    }
   },
   "HandOutIn": {
    "type": "object",
    "additionalProperties": false,
    "required": [
     "booklet_id",
     "beneficiary_id"
    ],
    "properties": {
     "booklet_id": {
      "type": "integer"
     },
     "beneficiary_id": {
      "type": "integer",
      "description": "A person recorded by this prescriber."
     },
     "checks": {
      "type": "integer",
      "minimum": 1,
      "nullable": true,
      "description": "How many of the booklet's checks; all when absent."
     }
    }
   },
   "ProgrammeStatistics": {
    "type": "object",
    "additionalProperties": false,
    "required": [
     "id",
     "name",
     "face_value_cents",
     "checks",
     "checks_by_state",
     "value_by_state_cents"
    ],
    "properties": {
     "id": {
      "type": "integer"
     },
     "name": {
      "type": "string"
     },
     "face_value_cents": {
      "type": "integer"
     },
     "checks": {
      "type": "integer"
     },
     "checks_by_state": {
      "type": "object",
      "additionalProperties": false,
      "required": [
       "issued",
       "allocated",
       "distributed",
       "redeemed",
       "paid",
       "voided",
       "expired",
       "refunded"
      ],
      "properties": {
       "issued": {
        "type": "integer"
       },
       "allocated": {
        "type": "integer"
       },
       "distributed": {
        "type": "integer"
       },
       "redeemed": {
        "type": "integer"
       },
       "paid": {
        "type": "integer"
       },
       "voided": {
        "type": "integer"
       },
       "expired": {
        "type": "integer"
       },
       "refunded": {
        "type": "integer"
       }
      }
     },
     "value_by_state_cents": {
      "type": "object",
      "additionalProperties": false,
      "required": [
       "issued",
       "allocated",
       "distributed",
       "redeemed",
       "paid",
       "voided",
       "expired",
       "refunded"
      ],
      "properties": {
       "issued": {
        "type": "integer"
       },
       "allocated": {
        "type": "integer"
       },
       "distributed": {
        "type": "integer"
       },
       "redeemed": {
        "type": "integer"
       },
       "paid": {
        "type": "integer"
       },
       "voided": {
        "type": "integer"
       },
       "expired": {
        "type": "integer"
       },
       "refunded": {
        "type": "integer"
       }
      }
     }
    }
   },
   "CheckState": {
    "type": "object",
    "additionalProperties": false,
    "required": [
     "serial",
     "programme_id",
     "booklet_id",
     "state"
    ],
    "properties": {
     "serial": {
      "type": "string"
     },
     "programme_id": {
      "type": "integer"
     },
     "booklet_id": {
      "type": "integer"
     },
     "state": {
      "type": "string",
      "enum": [
       "issued",
       "allocated",
       "distributed",
       "redeemed",
       "paid",
       "voided",
       "expired",
       "refunded"
      ]
     },
     "distributed_at": {
      "type": "string",
      "format": "date-time"
     },
     "redeemed_at": {
      "type": "string",
      "format": "date-time"
     },
     "place_id": {
      "type": "integer"
     }
    }
   },
   "Place": {
    "type": "object",
    "additionalProperties": false,
    "required": [
     "id",
     "name",
     "categories",
     "sites",
     "url"
    ],
    "properties": {
     "id": {
      "type": "integer"
     },
     "name": {
      "type": "string"
     },
     "categories": {
      "type": "array",
      "items": {
       "type": "string",
       "enum": [
        "demarches",
        "outils",
        "emploi",
        "securite",
        "parentalite",
        "loisirs",
        "comprendre",
        "acces",
        "materiel"
       ]
      }
     },
     "url": {
      "type": "string"
     },
     "sites": {
      "type": "array",
      "items": {
       "type": "object",
       "additionalProperties": false,
       "required": [
        "name",
        "address",
        "postcode",
        "commune_name"
       ],
       "properties": {
        "name": {
         "type": "string"
        },
        "address": {
         "type": "string"
        },
        "postcode": {
         "type": "string"
        },
        "commune_code": {
         "type": "string"
        },
        "commune_name": {
         "type": "string"
        },
        "latitude": {
         "type": "number"
        },
        "longitude": {
         "type": "number"
        }
       }
      }
     }
    }
   }
  }
 }
}
"""#
}
