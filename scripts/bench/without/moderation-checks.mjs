// Preloaded (`node --import`) into the one Roomful node of the moderation benchmark that runs
// without its moderation checks, so that the checks' cost on the send path can be measured
// beside the same node with them. Bench-only: the product has no switch that turns them off.
// Modules are loaded once per URL, so the node's own imports get these patched classes.
import { SanctionChecks } from '../../../backend/dist/moderation/sanction-checks.js'
import { SendPolicy } from '../../../backend/dist/rooms/send-policy.js'

SanctionChecks.prototype.assertMaySend = () => undefined
SendPolicy.prototype.check = async () => undefined
