/** A user an operator made a moderator of an app (admin CLI or REST `grant-moderator`). */
export interface ModeratorGrant {
  appId: string
  userId: string
  /** `admin`, or whoever the CLI ran as. */
  grantedBy: string
  grantedAt: Date
}

/** Moderators granted per app, for identities whose token carries no role (hosted accounts). */
export interface ModeratorStore {
  /** Grants (again: keeps the first grant's record); true when it was new. */
  grant(grant: ModeratorGrant): Promise<boolean>
  /** True when there was a grant to remove. */
  revoke(appId: string, userId: string): Promise<boolean>
  /** Oldest first. */
  list(appId: string): Promise<ModeratorGrant[]>
}
