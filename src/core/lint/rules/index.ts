/**
 * Every lint rule, one module each (id, doc text, examples, check). The order here is the order of the rules in
 * SARIF and the order of a statement's findings. To add a rule: write its module beside these, list it here, and give
 * it `bad`/`good` examples (test/unit/lint/rules.test.ts runs them).
 */
import { alterColumnType } from './alterColumnType';
import { tableRewrite } from './tableRewrite';
import { dropIndexNotConcurrent } from './dropIndexNotConcurrent';
import { reindexNotConcurrent } from './reindexNotConcurrent';
import { refreshNotConcurrent } from './refreshNotConcurrent';
import { detachPartitionNotConcurrent } from './detachPartitionNotConcurrent';
import { exclusionConstraint } from './exclusionConstraint';
import { domainConstraintScan } from './domainConstraintScan';
import { backfillInLockingTransaction } from './backfillInLockingTransaction';
import { renameBreaksClients } from './renameBreaksClients';
import { dropTable } from './dropTable';
import { dropObject } from './dropObject';
import { enumValueInTransaction } from './enumValueInTransaction';
import { dropColumn } from './dropColumn';
import { dropDefault } from './dropDefault';
import { modifyResetsColumn } from './modifyResetsColumn';
import { unknownStatement } from './unknownStatement';
import { explicitLock } from './explicitLock';
import { truncateTable } from './truncateTable';
import { jsonColumn } from './jsonColumn';
import { addColumnNotInstant } from './addColumnNotInstant';
import { addColumnRequired } from './addColumnRequired';
import { addColumnRewrite } from './addColumnRewrite';
import { algorithmCopy } from './algorithmCopy';
import { blockingDdl } from './blockingDdl';
import { concurrentIndexInTransaction } from './concurrentIndexInTransaction';
import { constraintNotValidMissing } from './constraintNotValidMissing';
import { failsOnServer } from './failsOnServer';
import { indexNotConcurrent } from './indexNotConcurrent';
import { instantDefaultEvaluatedOnce } from './instantDefaultEvaluatedOnce';
import { instantWithLockClause } from './instantWithLockClause';
import { lockBlocksWrites } from './lockBlocksWrites';
import { missingLockTimeout } from './missingLockTimeout';
import { nulByte } from './nulByte';
import { setNotNullScan } from './setNotNullScan';
import { syntaxError } from './syntaxError';
import { uniqueConstraintBuildsIndex } from './uniqueConstraintBuildsIndex';
import { unparsedStatement } from './unparsedStatement';
import { unterminatedText } from './unterminatedText';
import { validateInSameTransaction } from './validateInSameTransaction';
import { ignoreWithoutReason } from './ignoreWithoutReason';
import { unusedIgnore } from './unusedIgnore';

export const RULES = [
  syntaxError,
  unterminatedText,
  nulByte,
  unparsedStatement,
  addColumnRewrite,
  addColumnRequired,
  addColumnNotInstant,
  instantDefaultEvaluatedOnce,
  setNotNullScan,
  constraintNotValidMissing,
  uniqueConstraintBuildsIndex,
  validateInSameTransaction,
  indexNotConcurrent,
  concurrentIndexInTransaction,
  enumValueInTransaction,
  missingLockTimeout,
  algorithmCopy,
  lockBlocksWrites,
  instantWithLockClause,
  failsOnServer,
  blockingDdl,
  alterColumnType,
  tableRewrite,
  dropIndexNotConcurrent,
  reindexNotConcurrent,
  refreshNotConcurrent,
  detachPartitionNotConcurrent,
  exclusionConstraint,
  domainConstraintScan,
  backfillInLockingTransaction,
  renameBreaksClients,
  dropTable,
  dropObject,
  dropColumn,
  dropDefault,
  modifyResetsColumn,
  explicitLock,
  truncateTable,
  jsonColumn,
  unknownStatement,
  ignoreWithoutReason,
  unusedIgnore,
] as const;
