using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScaleLab.Orchestrator.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class RunEventKinds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "kind",
                table: "run_events",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "Note");

            migrationBuilder.AddColumn<string>(
                name: "slot",
                table: "run_events",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "step",
                table: "run_events",
                type: "integer",
                nullable: true);

            migrationBuilder.Sql(ScaleLab.Orchestrator.Runs.RunEventBackfill.Sql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "kind",
                table: "run_events");

            migrationBuilder.DropColumn(
                name: "slot",
                table: "run_events");

            migrationBuilder.DropColumn(
                name: "step",
                table: "run_events");
        }
    }
}
