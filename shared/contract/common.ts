/** Schemas every part of the contract uses. */
import { z } from 'zod';

/** A command that takes nothing. */
export const NoArguments = z.object({}).strict();
