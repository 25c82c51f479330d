import { Type } from '@sinclair/typebox';
import { Id, StringEnum } from '../../lib/schema.js';
import { PageQuery } from '../shared/pagination.js';

export const EventRefParams = Type.Object({ externalReferenceId: Id() });
export const CancellationQuery = Type.Object({ showId: Type.Optional(Id('cancel only this show; required when the event has several')) });
export const EventListQuery = Type.Object({ ...PageQuery.properties, status: Type.Optional(StringEnum(['LIVE', 'CANCELLED'])) });
