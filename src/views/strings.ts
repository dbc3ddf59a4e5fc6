// Every user-facing string of the pages in one place, ready for translation.
export const strings = {
  product: 'Gatehouse',
  login: {
    title: 'Sign in',
    intro: 'to continue to {client}',
    username: 'Username',
    password: 'Password',
    submit: 'Sign in',
    cancel: 'Cancel',
    failed: 'The username or password is incorrect.',
  },
  consent: {
    title: 'Allow access?',
    intro: '{client} is asking to:',
    claimsIntro: 'It will receive:',
    offline: 'Stay signed in to {client} when you are not using it (refresh tokens)',
    allow: 'Allow',
    deny: 'Deny',
    signedInAs: 'Signed in as {user}',
  },
  logout: {
    title: 'Sign out?',
    intro: 'Do you want to sign out of {product}?',
    confirm: 'Sign out',
    cancel: 'Stay signed in',
    doneTitle: 'Signed out',
    done: 'You have signed out.',
  },
  error: {
    title: 'Something went wrong',
    intro: 'The request could not be completed.',
    code: 'Error',
    requestId: 'Request ID',
    notFound: 'This page does not exist.',
  },
  scopes: {
    openid: 'Confirm who you are',
    profile: 'See your name and profile details',
    email: 'See your email address',
    address: 'See your postal address',
    phone: 'See your phone number',
    offline_access: 'Keep access while you are away',
  } as Record<string, string>,
  claims: {
    sub: 'Your account identifier',
    name: 'Full name',
    given_name: 'First name',
    family_name: 'Last name',
    middle_name: 'Middle name',
    nickname: 'Nickname',
    preferred_username: 'Username',
    profile: 'Profile page',
    picture: 'Picture',
    website: 'Website',
    email: 'Email address',
    email_verified: 'Whether your email is verified',
    gender: 'Gender',
    birthdate: 'Birthdate',
    zoneinfo: 'Time zone',
    locale: 'Language',
    phone_number: 'Phone number',
    phone_number_verified: 'Whether your phone number is verified',
    address: 'Postal address',
    updated_at: 'When your profile was last updated',
  } as Record<string, string>,
} as const;

/** Fills `{name}` placeholders; the views autoescape the result. */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => values[key] ?? match);
}
