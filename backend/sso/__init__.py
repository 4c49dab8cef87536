"""Single sign-on with OpenID Connect: sign-in, the claim mapping, back-channel logout."""
