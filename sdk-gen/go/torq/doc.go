// Single Sign-On for a Torq workspace: the SSO provider, the ordered claim→role rules with a lockout guard at preview, and SSO-only login.
package torq
