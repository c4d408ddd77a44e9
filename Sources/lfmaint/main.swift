import CMalloc
import Foundation
import LFMaintCLI

_ = lfmaint_share_one_malloc_arena()
exit(await LFMaintCommand.runMain())
