import type { z } from 'zod';
import type {
  DeskPage as DeskPageSchema,
  FollowUpPage as FollowUpPageSchema,
  InstructionPage as InstructionPageSchema,
  TargetInstructions as TargetInstructionsSchema,
} from '../../server/modules/instructions/schemas.js';
import type { StandingResponse } from '../../server/modules/scoring/schemas.js';

export type TargetInstructions = z.infer<typeof TargetInstructionsSchema>;
export type InstructionView = TargetInstructions['rows'][number];
export type TaskView = InstructionView['tasks'][number];
export type DeskPage = z.infer<typeof DeskPageSchema>;
export type DeskRow = DeskPage['rows'][number];
export type InstructionPage = z.infer<typeof InstructionPageSchema>;
export type FollowUpPage = z.infer<typeof FollowUpPageSchema>;
export type FollowUpRow = FollowUpPage['rows'][number];
export type Standing = z.infer<typeof StandingResponse>;

export const TASK_STATUS_COLORS: Record<string, string> = {
  open: 'blue',
  overdue: 'red',
  answered: 'green',
  answered_late: 'orange',
};
