// Who is using the app on this device, as the router and the session lock both see it.
// signedIn: someone is signed in on this device, though their profile may still be locked.
// returnTo: where signing in goes on to (an alert's concern); notice: words for the sign-in page.
export const state = { user: null, signedIn: false, notice: null, returnTo: null, started: false };
