import { addText, answer, newIntake, nextQuestion, registrationContext } from '../../src/conversation/intake';
import { readReport } from '../../src/conversation/symptoms';
import { parseSubmit } from '../../src/conversation/submit';

const AT = new Date('2026-10-05T14:00:00Z');

describe('reading what users paste', () => {
  it.each([
    ["You can't get there from here", 'blocked-by-policy'],
    ['you are required to sign-in with your passkey, but this app doesn\'t support it', 'passkey-loop'],
    ["I'm stuck in a loop adding a passkey", 'passkey-loop'],
    ['Error AADSTS53000: device is not compliant', 'device-not-compliant'],
    ['AADSTS53001', 'device-not-compliant'],
    ['AADSTS53002 application not approved', 'approved-app-required'],
    ['AADSTS53003', 'blocked-by-policy'],
    ['AADSTS53004 proof up blocked', 'register-security-info-blocked'],
    ['AADSTS53009 app protection policy', 'approved-app-required'],
    ['Temporary Access Pass sign in was blocked due to User Credential Policy', 'tap-blocked-by-policy'],
    ['Authenticator says passkey already exists', 'passkey-already-exists'],
    ['NotAllowedError: The operation either timed out or was not allowed', 'not-allowed-error'],
    ['it wants an approved app', 'approved-app-required'],
    ['I use the work profile', 'work-profile'],
    ['Bluetooth is off on my laptop', 'bluetooth'],
    ['my TAP expired', 'tap-expired'],
    ['help', 'help'],
  ])('%s → %s', (text, symptom) => {
    expect(readReport(text).symptoms).toContain(symptom);
  });

  it('keeps the error page ids for the ticket', () => {
    const r = readReport(
      'Request Id: 0f3c2a10-1111-4222-8333-944455556666\nCorrelation Id: 7a7a7a7a-1111-4222-8333-944455556666\nTimestamp: 2026-10-05T13:59:12Z\nAADSTS53003',
    );
    expect(r).toMatchObject({
      requestId: '0f3c2a10-1111-4222-8333-944455556666',
      correlationId: '7a7a7a7a-1111-4222-8333-944455556666',
      errorTimestamp: '2026-10-05T13:59:12Z',
      errorCodes: ['AADSTS53003'],
    });
  });

  it('picks up the phone and its version from free text', () => {
    expect(readReport('on my iPhone, iOS 16')).toMatchObject({ platform: 'iOS', osVersion: 16 });
    expect(readReport('Pixel 8 running Android 15')).toMatchObject({ platform: 'android', osVersion: 15 });
  });
});

describe('asking only what is still needed', () => {
  it('asks the platform, then its version, then where it fails, then diagnoses', () => {
    let s = addText(newIntake('s1'), "I'm stuck in a loop adding a passkey");
    const asked: string[] = [];
    for (let q = nextQuestion(s); q; q = nextQuestion(s)) {
      asked.push(q.id);
      const r = answer(s, q.id, q.choices[0].value);
      if ('error' in r) throw new Error(r.error);
      s = r.state;
    }
    expect(asked).toEqual(['platform', 'osVersion', 'where']);
    expect(registrationContext(s, AT)).toEqual({ platform: 'android', at: AT, osVersion: 13 });
  });

  it('does not ask what the user already said', () => {
    const s = addText(newIntake('s1'), 'On my iPhone with iOS 18 I scan the QR code on my laptop and Bluetooth is blocked');
    expect(nextQuestion(s)).toBeNull();
    expect(registrationContext(s, AT)).toEqual({ platform: 'iOS', at: AT, osVersion: 18, crossDevice: true, bluetoothRestricted: true });
    // Bluetooth named without saying whether it works: asked.
    expect(nextQuestion(addText(newIntake('s1'), 'On my iPhone with iOS 18 I scan the QR code on my laptop and nothing happens over Bluetooth'))?.id).toBe('bluetooth');
  });

  it('asks about Android profiles only when the symptom points there, and then where the passkey lives', () => {
    let s = addText(newIntake('s1'), 'Android 15, work profile, the passkey is not offered when I sign in');
    expect(nextQuestion(s)?.id).toBe('where');
    s = (answer(s, 'where', 'same-device') as { state: typeof s }).state;
    expect(nextQuestion(s)?.id).toBe('androidProfile');
    s = (answer(s, 'androidProfile', 'work') as { state: typeof s }).state;
    expect(nextQuestion(s)?.id).toBe('passkeyProfile');
    s = (answer(s, 'passkeyProfile', 'personal') as { state: typeof s }).state;
    expect(nextQuestion(s)).toBeNull();
    expect(registrationContext(s, AT)).toMatchObject({ platform: 'android', androidProfile: 'work', passkeyProfile: 'personal' });
  });

  it('refuses an answer that was never offered', () => {
    const r = answer(newIntake('s1'), 'platform', 'windows');
    expect(r).toEqual({ error: expect.stringContaining('not one of the answers') });
    expect(answer(newIntake('s1'), 'favouriteColour', 'blue')).toEqual({ error: expect.stringContaining('no longer understand') });
  });
});

describe('card submits', () => {
  it.each([
    [null, 'nothing I can read'],
    ['a string', 'nothing I can read'],
    [[1, 2], 'nothing I can read'],
    [{}, 'not one I know'],
    [{ action: 'format-disk' }, 'not one I know ("format-disk")'],
    [{ action: 'answer', question: 'platform' }, 'missing its question or its answer'],
    [{ action: 'persona' }, 'which demo persona'],
  ])('%j is refused with a clear message', (value, message) => {
    expect(parseSubmit(value)).toEqual({ error: expect.stringContaining(message) });
  });

  it('accepts the payloads our cards send', () => {
    expect(parseSubmit({ action: 'answer', question: 'platform', value: 'iOS', session: 's' })).toEqual({
      submit: { action: 'answer', question: 'platform', value: 'iOS', session: 's' },
    });
    expect(parseSubmit({ action: 'fixed', session: 's', extra: 1 })).toEqual({ submit: { action: 'fixed', session: 's' } });
  });
});

describe('typed answers to the question on screen', () => {
  /** The intake after "help me", with the platform answered and the version question on screen. */
  const atVersion = (platform: 'android' | 'iOS' = 'android') => {
    const s = (answer(addText(newIntake('s1'), "I'm stuck in a loop adding a passkey"), 'platform', platform) as { state: ReturnType<typeof newIntake> }).state;
    expect(nextQuestion(s)?.id).toBe('osVersion');
    return s;
  };

  it.each([
    ['14', 14],
    ['Version 14', 14],
    ['not sure, 14 maybe', 14],
    ['It says 13.', 13],
  ])('"%s" answers the version question with %d', (text, version) => {
    const s = addText(atVersion(), text);
    expect(nextQuestion(s)?.id).toBe('where');
    expect(registrationContext(s, AT)).toMatchObject({ osVersion: version });
  });

  it('"17.5" on an iPhone is iOS 17; "no idea" is an answer too, a pasted error page is not', () => {
    expect(registrationContext(addText(atVersion('iOS'), '17.5'), AT)).toMatchObject({ platform: 'iOS', osVersion: 17 });
    const unsure = addText(atVersion(), 'no idea');
    expect(nextQuestion(unsure)?.id).toBe('where');
    expect(registrationContext(unsure, AT).osVersion).toBeUndefined();
    const pasted = addText(atVersion(), 'Request Id: 0f3c2a10-1111-4222-8333-944455556666 Timestamp: 2026-10-05T13:59:12Z AADSTS53003');
    expect(nextQuestion(pasted)?.id).toBe('osVersion');
  });

  it('"Bluetooth is blocked by IT" answers the Bluetooth question', () => {
    let s = addText(newIntake('s1'), 'On my iPhone, iOS 18, I scan the QR code on my laptop and it fails');
    expect(nextQuestion(s)?.id).toBe('bluetooth');
    s = addText(s, 'Bluetooth is blocked by IT');
    expect(nextQuestion(s)).toBeNull();
    expect(registrationContext(s, AT)).toMatchObject({ crossDevice: true, bluetoothRestricted: true });
    const works = addText(addText(newIntake('s1'), 'On my iPhone, iOS 18, I scan the QR code on my laptop and it fails'), 'no, bluetooth works');
    expect(nextQuestion(works)).toBeNull();
    expect(registrationContext(works, AT).bluetoothRestricted).toBeUndefined();
  });

  it('answers where it fails, and which profile, in words', () => {
    const s = addText(atVersion(), '15');
    expect(nextQuestion(addText(s, 'on the phone'))).toBeNull();
    expect(registrationContext(addText(s, 'on my laptop'), AT)).toMatchObject({ crossDevice: true });
  });

  it('"my TAP expired" needs at most two taps: the phone and its version', () => {
    let s = addText(newIntake('s1'), 'my TAP expired');
    const asked: string[] = [];
    for (let q = nextQuestion(s); q; q = nextQuestion(s)) {
      asked.push(q.id);
      s = (answer(s, q.id, q.choices[q.choices.length - 2].value) as { state: typeof s }).state;
    }
    expect(asked).toEqual(['platform', 'osVersion']);
  });
});
