"""A real OAuth 2 / OpenID Connect provider for tests (``from oauth_provider import LocalProvider``).

A small Flask app served by werkzeug on loopback in a thread: discovery, the authorization-code
flow with PKCE, ID tokens signed RS256 (joserfc) with a published key set, one-time codes (a
replayed code gets ``invalid_grant``), and GitHub's endpoints (``/login/oauth/...``, ``/api/user``,
``/api/user/emails``) on the same server. Consent is automatic for ``provider.person``.
"""
from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from urllib.parse import urlencode

from flask import Flask, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

CLIENT_ID = "mentorhub-test"
CLIENT_SECRET = "provider-test-secret"


class LocalProvider:
    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key"}, private=True)
        self.person = {"sub": "person-1", "login": "ada", "name": "Ada Lovelace",
                       "email": "ada@example.com", "email_verified": True}
        self.codes: dict[str, dict] = {}  # code -> what the authorize request carried
        self.used_codes: set[str] = set()
        self.tokens: dict[str, dict] = {}  # access token -> person
        self.wrong_nonce = False  # sign ID tokens with another nonce than the client sent
        self.token_requests = 0
        self.app = self._build()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LocalProvider:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.thread.join(5)

    # ---- the provider -----------------------------------------------------------------------

    def _build(self) -> Flask:
        app = Flask("local-provider")

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify(issuer=self.url, authorization_endpoint=f"{self.url}/authorize",
                           token_endpoint=f"{self.url}/token", jwks_uri=f"{self.url}/jwks",
                           response_types_supported=["code"], subject_types_supported=["public"],
                           id_token_signing_alg_values_supported=["RS256"],
                           code_challenge_methods_supported=["S256"])

        @app.get("/jwks")
        def jwks():
            return jsonify(keys=[{**self.key.as_dict(private=False), "alg": "RS256", "use": "sig"}])

        @app.get("/authorize")
        @app.get("/login/oauth/authorize")
        def authorize():
            args = request.args
            if args.get("client_id") != CLIENT_ID or args.get("response_type", "code") != "code":
                return jsonify(error="unauthorized_client"), 400
            code = secrets.token_urlsafe(16)
            self.codes[code] = {"redirect_uri": args.get("redirect_uri"), "nonce": args.get("nonce"),
                                "challenge": args.get("code_challenge"), "person": dict(self.person)}
            return redirect(f"{args['redirect_uri']}?{urlencode({'code': code, 'state': args.get('state', '')})}")

        @app.post("/token")
        @app.post("/login/oauth/access_token")
        def token():
            self.token_requests += 1
            form = request.form
            client_id, secret = _client_credentials()
            if client_id != CLIENT_ID or secret != CLIENT_SECRET:
                return jsonify(error="invalid_client"), 401
            code = form.get("code", "")
            grant = self.codes.get(code)
            if grant is None or code in self.used_codes or form.get("redirect_uri") != grant["redirect_uri"]:
                return jsonify(error="invalid_grant"), 400
            self.used_codes.add(code)
            if grant["challenge"]:
                verifier = form.get("code_verifier", "").encode()
                digest = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode()
                if digest != grant["challenge"]:
                    return jsonify(error="invalid_grant", error_description="PKCE"), 400
            access = secrets.token_urlsafe(16)
            person = grant["person"]
            self.tokens[access] = person
            body = {"access_token": access, "token_type": "Bearer", "expires_in": 3600}
            if request.path == "/token":
                now = int(time.time())
                claims = {"iss": self.url, "sub": person["sub"], "aud": CLIENT_ID, "iat": now, "exp": now + 300,
                          "nonce": "not-the-one-you-sent" if self.wrong_nonce else grant["nonce"],
                          "email": person["email"], "email_verified": person["email_verified"],
                          "name": person["name"], "preferred_username": person["login"]}
                body["id_token"] = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, self.key)
            return jsonify(body)

        def _person():
            auth = request.headers.get("Authorization", "")
            return self.tokens.get(auth.removeprefix("Bearer ").strip())

        @app.get("/api/user")
        def github_user():
            person = _person()
            if person is None:
                return jsonify(message="Bad credentials"), 401
            return jsonify(id=int(person["sub"].rsplit("-", 1)[-1]), login=person["login"], name=person["name"],
                           email=None, html_url=f"https://github.com/{person['login']}")

        @app.get("/api/user/emails")
        def github_emails():
            person = _person()
            if person is None:
                return jsonify(message="Bad credentials"), 401
            return jsonify([{"email": person["email"], "primary": True, "verified": person["email_verified"]}])

        def _client_credentials() -> tuple[str | None, str | None]:
            if request.authorization and request.authorization.type == "basic":
                return request.authorization.username, request.authorization.password
            return request.form.get("client_id"), request.form.get("client_secret")

        return app

    # ---- settings for the app under test ----------------------------------------------------

    def oidc_settings(self) -> dict:
        return {"OIDC_ISSUER": self.url, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET,
                "OIDC_NAME": "Local SSO"}

    def github_settings(self) -> dict:
        return {"GITHUB_CLIENT_ID": CLIENT_ID, "GITHUB_CLIENT_SECRET": CLIENT_SECRET,
                "GITHUB_AUTHORIZE_URL": f"{self.url}/login/oauth/authorize",
                "GITHUB_TOKEN_URL": f"{self.url}/login/oauth/access_token",
                "GITHUB_API_URL": f"{self.url}/api/"}
