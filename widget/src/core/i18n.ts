/** The languages the widget speaks. */
export type Locale = 'en' | 'ko'

type Params = Record<string, string | number>
type Entry = string | ((p: Params) => string)

const en = {
  'lobby.title': 'Chat rooms',
  'lobby.subtitle': 'Join a conversation or start your own',
  'ranking.title': 'Busiest right now',
  'ranking.empty': 'Quiet for now. Open a room and others will follow.',
  'ranking.loginToSee': 'Log in to see where people are chatting.',
  'ranking.unavailable': 'The live ranking is unavailable right now.',
  'ranking.count': (p: Params) => (p.n === 1 ? '1 person' : `${p.n} people`),
  'rooms.title': 'All rooms',
  'rooms.empty': 'No rooms yet. Start the first one!',
  'rooms.more': 'Show more rooms',
  'rooms.loading': 'Loading rooms…',
  'rooms.create': 'Create',
  'rooms.createTitle': 'Start a room',
  'rooms.name': 'Room name',
  'rooms.topic': 'Topic (optional)',
  'rooms.loginToCreate': 'Log in to start a room.',
  'rooms.loginToSee': 'Log in to see the rooms.',
  'rooms.open': (p: Params) => `Open ${p.name}`,
  'rooms.here': (p: Params) => `${p.n} here`,
  'rooms.new': 'New',
  'auth.login': 'Log in',
  'auth.signup': 'Sign up',
  'auth.logout': 'Log out',
  'auth.title.login': 'Welcome back',
  'auth.title.signup': 'Create your account',
  'auth.hint': 'Log in to chat and start rooms.',
  'auth.email': 'Email',
  'auth.password': 'Password',
  'auth.passwordHint': 'At least 8 characters',
  'auth.displayName': 'Display name',
  'auth.submit.login': 'Log in',
  'auth.submit.signup': 'Create account',
  'auth.toSignup': 'New here? Create an account',
  'auth.toLogin': 'Already have an account? Log in',
  'auth.busy': 'Please wait…',
  'auth.signedInAs': (p: Params) => `Signed in as ${p.name}`,
  'room.back': 'Back to rooms',
  'room.people': 'People here',
  'room.image': (p: Params) => `Image from ${p.name}`,
  'room.here': (p: Params) => `${p.n} here`,
  'room.log': (p: Params) => `Messages in ${p.name}`,
  'room.loadingOlder': 'Loading earlier messages…',
  'room.loadOlder': 'Show earlier messages',
  'room.start': 'This is the very beginning of the room.',
  'room.empty': 'No messages yet. Say hello!',
  'room.joined': (p: Params) => `${p.name} joined`,
  'room.left': (p: Params) => `${p.name} left`,
  'room.typing1': (p: Params) => `${p.a} is typing…`,
  'room.typing2': (p: Params) => `${p.a} and ${p.b} are typing…`,
  'room.typingMany': 'Several people are typing…',
  'room.composer': (p: Params) => `Message ${p.name}`,
  'room.placeholder': 'Write a message…',
  'room.send': 'Send',
  'room.attach': 'Attach an image',
  'room.uploading': (p: Params) => `Uploading image… ${p.n}%`,
  'room.sending': 'Sending…',
  'room.failed': 'Not sent.',
  'room.retry': 'Retry',
  'room.discard': 'Discard',
  'room.loginToChat': 'Log in to join the conversation',
  'room.you': 'You',
  'room.joining': 'Opening the room…',
  'room.tooLong': (p: Params) => `${p.n} characters over the limit`,
  'room.newMessages': 'New messages below',
  'room.others': (p: Params) => `and ${p.n} more`,
  'conn.connecting': 'Connecting…',
  'conn.reconnecting': 'Connection lost. Reconnecting…',
  'conn.disconnected': 'Disconnected from chat.',
  'conn.closed': 'Disconnected from chat.',
  'conn.back': 'Back online',
  'error.invalid_credentials': 'That email and password do not match.',
  'error.email_taken': 'An account with this email already exists. Try logging in.',
  'error.rate_limited': 'Slow down a little and try again.',
  'error.room_not_found': 'This room does not exist any more.',
  'error.guest_read_only': 'Log in to send messages.',
  'error.unauthenticated': 'Log in to do that.',
  'error.message_too_long': 'That message is too long.',
  'error.bad_request': 'Please check the fields and try again.',
  'error.payload_too_large': 'That image is too large.',
  'error.unsupported_media': 'Only PNG, JPEG, GIF and WebP images can be sent.',
  'error.image_unreadable': 'That image could not be read; it may be damaged.',
  'error.generic': 'Something went wrong. Please try again.',
}

export type MessageKey = keyof typeof en

const ko: Record<MessageKey, Entry> = {
  'lobby.title': '채팅방',
  'lobby.subtitle': '대화에 참여하거나 새 방을 만들어 보세요',
  'ranking.title': '지금 가장 붐비는 방',
  'ranking.empty': '아직 조용해요. 방에 들어가면 다른 사람들도 따라올 거예요.',
  'ranking.loginToSee': '로그인하면 사람들이 모인 방을 볼 수 있어요.',
  'ranking.unavailable': '지금은 실시간 순위를 볼 수 없어요.',
  'ranking.count': (p) => `${p.n}명`,
  'rooms.title': '전체 방',
  'rooms.empty': '아직 방이 없어요. 첫 번째 방을 만들어 보세요!',
  'rooms.more': '방 더 보기',
  'rooms.loading': '방 목록을 불러오는 중…',
  'rooms.create': '만들기',
  'rooms.createTitle': '새 방 만들기',
  'rooms.name': '방 이름',
  'rooms.topic': '주제 (선택)',
  'rooms.loginToCreate': '로그인하면 방을 만들 수 있어요.',
  'rooms.loginToSee': '로그인하면 방 목록을 볼 수 있어요.',
  'rooms.open': (p) => `${p.name} 열기`,
  'rooms.here': (p) => `${p.n}명 참여 중`,
  'rooms.new': '새 방',
  'auth.login': '로그인',
  'auth.signup': '회원가입',
  'auth.logout': '로그아웃',
  'auth.title.login': '다시 오신 걸 환영해요',
  'auth.title.signup': '계정 만들기',
  'auth.hint': '로그인하면 채팅하고 방을 만들 수 있어요.',
  'auth.email': '이메일',
  'auth.password': '비밀번호',
  'auth.passwordHint': '8자 이상',
  'auth.displayName': '표시 이름',
  'auth.submit.login': '로그인',
  'auth.submit.signup': '계정 만들기',
  'auth.toSignup': '처음이신가요? 계정을 만들어 보세요',
  'auth.toLogin': '이미 계정이 있나요? 로그인',
  'auth.busy': '잠시만 기다려 주세요…',
  'auth.signedInAs': (p) => `${p.name}(으)로 로그인됨`,
  'room.back': '방 목록으로',
  'room.people': '참여 중인 사람',
  'room.image': (p) => `${p.name} 님이 보낸 이미지`,
  'room.here': (p) => `${p.n}명 참여 중`,
  'room.log': (p) => `${p.name}의 메시지`,
  'room.loadingOlder': '이전 메시지를 불러오는 중…',
  'room.loadOlder': '이전 메시지 보기',
  'room.start': '방의 첫 메시지입니다.',
  'room.empty': '아직 메시지가 없어요. 인사를 건네 보세요!',
  'room.joined': (p) => `${p.name} 님이 들어왔어요`,
  'room.left': (p) => `${p.name} 님이 나갔어요`,
  'room.typing1': (p) => `${p.a} 님이 입력 중…`,
  'room.typing2': (p) => `${p.a} 님과 ${p.b} 님이 입력 중…`,
  'room.typingMany': '여러 명이 입력 중…',
  'room.composer': (p) => `${p.name}에 메시지 보내기`,
  'room.placeholder': '메시지를 입력하세요…',
  'room.send': '보내기',
  'room.attach': '이미지 첨부',
  'room.uploading': (p) => `이미지 올리는 중… ${p.n}%`,
  'room.sending': '보내는 중…',
  'room.failed': '보내지 못했어요.',
  'room.retry': '다시 시도',
  'room.discard': '삭제',
  'room.loginToChat': '로그인하고 대화에 참여하기',
  'room.you': '나',
  'room.joining': '방에 들어가는 중…',
  'room.tooLong': (p) => `${p.n}자 초과`,
  'room.newMessages': '아래에 새 메시지가 있어요',
  'room.others': (p) => `외 ${p.n}명`,
  'conn.connecting': '연결하는 중…',
  'conn.reconnecting': '연결이 끊겼어요. 다시 연결하는 중…',
  'conn.disconnected': '채팅 연결이 끊어졌어요.',
  'conn.closed': '채팅 연결이 종료되었어요.',
  'conn.back': '다시 연결되었어요',
  'error.invalid_credentials': '이메일 또는 비밀번호가 올바르지 않아요.',
  'error.email_taken': '이미 가입된 이메일이에요. 로그인해 보세요.',
  'error.rate_limited': '요청이 너무 많아요. 잠시 후 다시 시도해 주세요.',
  'error.room_not_found': '존재하지 않는 방이에요.',
  'error.guest_read_only': '메시지를 보내려면 로그인하세요.',
  'error.unauthenticated': '로그인이 필요해요.',
  'error.message_too_long': '메시지가 너무 길어요.',
  'error.bad_request': '입력한 내용을 확인하고 다시 시도해 주세요.',
  'error.payload_too_large': '이미지가 너무 커요.',
  'error.unsupported_media': 'PNG, JPEG, GIF, WebP 이미지만 보낼 수 있어요.',
  'error.image_unreadable': '이미지를 읽을 수 없어요. 파일이 손상되었을 수 있어요.',
  'error.generic': '문제가 발생했어요. 다시 시도해 주세요.',
}

const dictionaries: Record<Locale, Record<MessageKey, Entry>> = { en, ko }

/** Picks the widget's language: the `locale` attribute if it names one we speak, else the browser's. */
export function resolveLocale(requested?: string | null): Locale {
  for (const tag of [requested, globalThis.navigator?.language]) {
    const base = tag?.toLowerCase().split('-')[0]
    if (base === 'en' || base === 'ko') return base
  }
  return 'en'
}

/** Translates `key` for `locale`, filling `{name}`-style parameters. */
export function translate(locale: Locale, key: MessageKey, params: Params = {}): string {
  const entry = dictionaries[locale][key] ?? en[key]
  return typeof entry === 'function' ? entry(params) : entry
}

/** A human sentence for an SDK error, by its stable code; unknown codes get a generic line. */
export function errorText(locale: Locale, err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code
  const key = `error.${String(code)}` as MessageKey
  return key in en ? translate(locale, key) : translate(locale, 'error.generic')
}

/** `code` of an SDK error, if it has one. */
export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}
